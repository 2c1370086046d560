package seed_test

import (
	"testing"

	"github.com/atiende/atiende/server/internal/seed"
	"github.com/atiende/atiende/server/internal/testutil"
)

// The demo's tickets are typified like real ones: a category with one of its subcategories, a channel,
// a queue (mostly level 1) and, for about half, a requester.
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
	if total != 300 || typified != 300 || subjects != 300 || level1 < 180 || requested < 100 || requested > 200 {
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
