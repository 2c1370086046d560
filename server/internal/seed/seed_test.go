package seed_test

import (
	"encoding/json"
	"maps"
	"net/url"
	"testing"

	"github.com/atiende/atiende/server/internal/seed"
	"github.com/atiende/atiende/server/internal/testutil"
)

// The demo's tickets are typified like real ones: a category with one of its subcategories, a channel,
// a queue (mostly level 1) and, for about two thirds, a requester from the demo network.
func TestSeedTypifiesTickets(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	res, err := seed.Run(t.Context(), a.DB.Bun, a.People, a.Tickets, 300)
	if err != nil || !res.Seeded {
		t.Fatalf("seed: %+v %v", res, err)
	}
	var total, typified, level1, requested, subjects int
	err = a.DB.Pool.QueryRow(t.Context(), `SELECT count(*),
		count(*) FILTER (WHERE s.parent_id = t.category_id AND t.channel_id IS NOT NULL AND t.queue_id IS NOT NULL),
		count(*) FILTER (WHERE q.level = 1), count(t.requester_id),
		count(*) FILTER (WHERE t.subject LIKE s.name_es || '%')
		FROM tickets t LEFT JOIN categories s ON s.id = t.subcategory_id LEFT JOIN queues q ON q.id = t.queue_id`).
		Scan(&total, &typified, &level1, &requested, &subjects)
	if err != nil {
		t.Fatal(err)
	}
	if total != 300 || typified != 300 || subjects != 300 || level1 < 180 || requested < 150 || requested > 250 {
		t.Fatalf("total %d, typified %d, subject matches subcategory %d, level 1 %d, with a requester %d", total, typified, subjects, level1, requested)
	}
}

// Demo tickets that are being worked carry a dated conversation: replies by the requester and the
// assignee, and some internal notes, after the ticket was opened and never in the future.
func TestSeedWritesConversations(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	if _, err := seed.Run(t.Context(), a.DB.Bun, a.People, a.Tickets, 300); err != nil {
		t.Fatal(err)
	}
	var tickets, replies, notes, byRequester, misdated int
	err := a.DB.Pool.QueryRow(t.Context(), `SELECT count(DISTINCT c.ticket_id), count(*) FILTER (WHERE c.public),
		count(*) FILTER (WHERE NOT c.public), count(*) FILTER (WHERE c.author_id = t.requester_id),
		count(*) FILTER (WHERE c.created_at < t.created_at OR c.created_at > now())
		FROM ticket_comments c JOIN tickets t ON t.id = c.ticket_id`).Scan(&tickets, &replies, &notes, &byRequester, &misdated)
	if err != nil {
		t.Fatal(err)
	}
	if tickets < 80 || replies < tickets || notes == 0 || byRequester == 0 || misdated != 0 {
		t.Fatalf("conversations on %d tickets: %d replies (%d by the requester), %d notes, %d misdated", tickets, replies, byRequester, notes, misdated)
	}
}

// Each demo login sees exactly the tickets the visibility rule gives them, as an independent query over
// the demo's organisation names them: the admin all; the supervisor the first two levels (which they
// supervise); Lucía (agent) the first two levels (the agent role's queues); Mateo (agent, escalation
// team) all three; Carolina (consultant) her own, her customer Camilo's and her downline's (Diana,
// Esteban, Esteban's customer Fernanda), never Gustavo's branch or her upline Beatriz's; Camilo his own.
// Everyone also sees what they requested, are the affected person of, or are assigned.
func TestDemoLoginsSeeTheirTickets(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	if _, err := seed.Run(t.Context(), a.DB.Bun, a.People, a.Tickets, 300); err != nil {
		t.Fatal(err)
	}
	expected := func(where string) map[int64]bool {
		rows, err := a.DB.Pool.Query(t.Context(), `SELECT t.number FROM tickets t
			LEFT JOIN queues q ON q.id = t.queue_id
			LEFT JOIN users r ON r.id = t.requester_id LEFT JOIN users f ON f.id = t.affected_id
			LEFT JOIN users s ON s.id = t.assignee_id WHERE `+where)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int64]bool{}
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[n] = true
		}
		return out
	}
	mine := func(email string) string {
		return "(r.email = '" + email + "' OR f.email = '" + email + "' OR s.email = '" + email + "')"
	}
	network := "(r.email IN ('consultant@atiende.test', 'customer@atiende.test', 'diana.lopez@atiende.test', " +
		"'esteban.ruiz@atiende.test', 'fernanda.castro@atiende.test') OR f.email IN ('consultant@atiende.test', " +
		"'customer@atiende.test', 'diana.lopez@atiende.test', 'esteban.ruiz@atiende.test', 'fernanda.castro@atiende.test'))"
	cases := []struct{ email, where string }{
		{"admin@atiende.test", "true"},
		{"supervisor@atiende.test", "q.key IN ('level_1', 'level_2') OR " + mine("supervisor@atiende.test")},
		{"agent1@atiende.test", "q.key IN ('level_1', 'level_2') OR " + mine("agent1@atiende.test")},
		{"agent2@atiende.test", "q.key IN ('level_1', 'level_2', 'level_3') OR " + mine("agent2@atiende.test")},
		{"consultant@atiende.test", network},
		{"customer@atiende.test", mine("customer@atiende.test")},
	}
	sizes := map[string]int{}
	for _, c := range cases {
		want := expected(c.where)
		cl := testutil.NewClient(t, a)
		if st, body := cl.Do("POST", "/api/v1/auth/login", map[string]string{"email": c.email, "password": seed.DemoPassword}); st != 200 {
			t.Fatalf("login %s: %d %s", c.email, st, body)
		}
		got := map[int64]bool{}
		cursor := ""
		for {
			var page struct {
				Items []struct {
					Number int64 `json:"number"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			st, body := cl.Do("GET", "/api/v1/tickets?limit=100&cursor="+cursor, nil)
			if st != 200 {
				t.Fatalf("%s: list: %d %s", c.email, st, body)
			}
			if err := json.Unmarshal(body, &page); err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				got[it.Number] = true
			}
			if page.NextCursor == nil {
				break
			}
			cursor = url.QueryEscape(*page.NextCursor)
		}
		if !maps.Equal(got, want) {
			t.Fatalf("%s sees %d tickets, the rule gives %d", c.email, len(got), len(want))
		}
		sizes[c.email] = len(want)
	}
	// The demo shows the rule at work: the roles see different, non-empty parts of the desk (Mateo, in every
	// queue, sees what the admin sees).
	if !(sizes["customer@atiende.test"] > 0 && sizes["customer@atiende.test"] < sizes["consultant@atiende.test"] &&
		sizes["consultant@atiende.test"] < sizes["agent1@atiende.test"] && sizes["agent1@atiende.test"] < sizes["agent2@atiende.test"] &&
		sizes["supervisor@atiende.test"] < sizes["admin@atiende.test"]) {
		t.Fatalf("visible sets: %v", sizes)
	}
	t.Logf("visible sets: %v", sizes)
}

// The demo's agents are members of the queues their roles work, and the first level deals by turns.
func TestSeedQueueMembers(t *testing.T) {
	dbURL := testutil.DB(t)
	redisURL, prefix := testutil.Redis(t)
	a := testutil.Start(t, testutil.Config(dbURL, redisURL, prefix))
	if _, err := seed.Run(t.Context(), a.DB.Bun, a.People, a.Tickets, 0); err != nil {
		t.Fatal(err)
	}
	rows, err := a.DB.Pool.Query(t.Context(), `SELECT q.key || ':' || q.assignment || ':' || coalesce(string_agg(u.email, ',' ORDER BY u.email), '')
		FROM queues q LEFT JOIN queue_members m ON m.queue_id = q.id LEFT JOIN users u ON u.id = m.user_id GROUP BY q.id ORDER BY q.level`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	want := []string{"level_1:manual:agent1@atiende.test,agent2@atiende.test", "level_2:manual:agent1@atiende.test,agent2@atiende.test",
		"level_3:manual:agent2@atiende.test"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("queues and members %v, want %v", got, want)
	}
}
