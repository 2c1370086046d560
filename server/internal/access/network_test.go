package access_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/testutil"
	"github.com/atiende/atiende/server/internal/tickets"
)

// genealogy is one random network of persons: consultants and customers, each with a sponsor (an
// earlier consultant at most 7 levels deep) or none.
type genealogy struct {
	persons     []int64
	consultants []int64
	sponsor     map[int64]int64 // 0: none
}

const (
	networkSeeds   = 30
	networkPersons = 220
	networkTickets = 400
	networkDepth   = 8
	httpPerSeed    = 2
)

func TestConsultantNetworkProperty(t *testing.T) {
	t.Parallel()
	d, _ := newDesk(t, 1)
	ctx := context.Background()
	for seed := range uint64(networkSeeds) {
		// Each seed starts from an empty desk, so that its queries stay the size of one genealogy.
		d.exec("TRUNCATE tickets, ticket_counts, events CASCADE")
		d.exec("DELETE FROM users WHERE email LIKE 'n%'")
		r := rand.New(rand.NewPCG(seed, 4))
		g := d.randomGenealogy(ctx, r, seed)
		d.randomTickets(ctx, r, g)
		checkNetwork(t, d, g, fmt.Sprintf("seed %d", seed))
		d.checkNetworkHTTP(r, g, fmt.Sprintf("seed %d", seed))

		// Move a random person (with their whole downline) under another consultant outside it, or to
		// no sponsor, as the people service does; every consultant's view follows.
		p := g.persons[r.IntN(len(g.persons))]
		var to int64
		if r.IntN(5) > 0 {
			for range 50 {
				c := g.consultants[r.IntN(len(g.consultants))]
				if !g.inDownline(c, p) {
					to = c
					break
				}
			}
		}
		if _, err := moveSubtree(ctx, d.a, p, to); err != nil {
			t.Fatalf("seed %d: move %d under %d: %v", seed, p, to, err)
		}
		g.sponsor[p] = to
		checkNetwork(t, d, g, fmt.Sprintf("seed %d after moving %d under %d", seed, p, to))
		d.checkNetworkHTTP(r, g, fmt.Sprintf("seed %d after the move", seed))
	}
}

// inDownline reports whether x is p or below p.
func (g *genealogy) inDownline(x, p int64) bool {
	for x != 0 {
		if x == p {
			return true
		}
		x = g.sponsor[x]
	}
	return false
}

func (d *desk) randomGenealogy(ctx context.Context, r *rand.Rand, seed uint64) *genealogy {
	d.t.Helper()
	g := &genealogy{sponsor: map[int64]int64{}}
	depth := map[int64]int{}
	err := pgx.BeginFunc(ctx, d.a.DB.Pool, func(tx pgx.Tx) error {
		for i := range networkPersons {
			role, kind := "customer", "customer"
			if r.IntN(10) < 6 {
				role, kind = "consultant", "consultant"
			}
			var sponsor *int64
			if len(g.consultants) > 0 && r.IntN(10) > 0 {
				// Half of the time a recent consultant, so that chains grow deep.
				c := g.consultants[r.IntN(len(g.consultants))]
				if r.IntN(2) == 0 {
					c = g.consultants[max(0, len(g.consultants)-1-r.IntN(8))]
				}
				if depth[c] < networkDepth {
					sponsor = &c
				}
			}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, locale, kind, sponsor_id)
				VALUES ($1, $1, $2, $3, 'en', $4, $5) RETURNING id`, fmt.Sprintf("n%d-%d@x.test", seed, i), d.hash, role, kind, sponsor).Scan(&id); err != nil {
				return err
			}
			g.persons = append(g.persons, id)
			depth[id] = 1
			if sponsor != nil {
				g.sponsor[id] = *sponsor
				depth[id] = depth[*sponsor] + 1
			}
			if role == "consultant" {
				g.consultants = append(g.consultants, id)
			}
		}
		return nil
	})
	if err != nil {
		d.t.Fatal(err)
	}
	deepest := 0
	for _, x := range depth {
		deepest = max(deepest, x)
	}
	if deepest > networkDepth || deepest < networkDepth-2 {
		d.t.Fatalf("seed %d: the deepest chain has %d levels, want %d or close", seed, deepest, networkDepth)
	}
	return g
}

// randomTickets opens tickets with random requesters and affected persons (a third without one): a
// quarter through the service, which computes their network; the rest written with an empty network
// and then given theirs by tickets.RefreshNetwork, the path a genealogy move takes.
func (d *desk) randomTickets(ctx context.Context, r *rand.Rand, g *genealogy) {
	d.t.Helper()
	err := d.a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range networkTickets {
			req := g.persons[r.IntN(len(g.persons))]
			n := tickets.NewTicket{Subject: fmt.Sprintf("Caso %d", i), StatusID: d.f.Statuses[0], PriorityID: d.f.Priorities[0], RequesterID: &req}
			if r.IntN(3) > 0 {
				aff := g.persons[r.IntN(len(g.persons))]
				n.AffectedID = &aff
			}
			if i < networkTickets/4 {
				if _, err := d.a.Tickets.Create(ctx, tx, access.Subject{}, n); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO tickets (subject, status_id, priority_id, requester_id, affected_id, rank)
				VALUES (?, ?, ?, ?, ?, ?)`, n.Subject, n.StatusID, n.PriorityID, n.RequesterID, n.AffectedID, fmt.Sprintf("z%05d", i)); err != nil {
				return err
			}
		}
		changed, err := d.a.Tickets.RefreshNetwork(ctx, tx, access.Subject{}, g.persons)
		if err == nil && changed != networkTickets-networkTickets/4 {
			err = fmt.Errorf("the refresh changed %d tickets, want the %d written without a network", changed, networkTickets-networkTickets/4)
		}
		return err
	})
	if err != nil {
		d.t.Fatal(err)
	}
}

// oracleSQL is a consultant's tickets by its definition, independent of the stored sponsor chains and
// networks: those whose requester or affected person is the consultant or below them in sponsor_id.
const oracleSQL = `WITH RECURSIVE down (id) AS (
		SELECT $1::bigint
		UNION SELECT u.id FROM users u JOIN down ON u.sponsor_id = down.id)
	SELECT t.id FROM tickets t WHERE t.requester_id IN (SELECT id FROM down) OR t.affected_id IN (SELECT id FROM down)
		OR t.assignee_id = $1 ORDER BY t.id`

func (d *desk) oracle(ctx context.Context, consultant int64) []int64 {
	d.t.Helper()
	rows, err := d.a.DB.Pool.Query(ctx, oracleSQL, consultant)
	if err != nil {
		d.t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		d.t.Fatal(err)
	}
	return ids
}

// checkNetwork compares every consultant's tickets under access.TicketFilter with the oracle.
func checkNetwork(t *testing.T, d *desk, g *genealogy, what string) {
	t.Helper()
	ctx := context.Background()
	nonEmpty := 0
	for _, c := range g.consultants {
		u, err := d.a.People.ByID(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		subj, err := d.a.People.SubjectOf(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		q := d.a.DB.Bun.NewSelect().TableExpr("tickets AS t").Column("t.id").OrderExpr("t.id")
		if err := access.TicketFilter(q, "t", subj).Scan(ctx, &got); err != nil {
			t.Fatal(err)
		}
		want := d.oracle(ctx, c)
		if !sameSet(got, want) {
			t.Fatalf("%s: consultant %d sees %d tickets, the oracle says %d (%v vs %v)", what, c, len(got), len(want), got, want)
		}
		if len(want) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < len(g.consultants)/2 {
		t.Fatalf("%s: only %d of %d consultants see any ticket: the genealogy is too thin to test", what, nonEmpty, len(g.consultants))
	}
}

// checkNetworkHTTP compares a few consultants' records table (every page) with the oracle.
func (d *desk) checkNetworkHTTP(r *rand.Rand, g *genealogy, what string) {
	d.t.Helper()
	ctx := context.Background()
	for range httpPerSeed {
		c := g.consultants[r.IntN(len(g.consultants))]
		var email string
		d.scan(&email, "SELECT email FROM users WHERE id = $1", c)
		cl := testutil.Login(d.t, d.a, email)
		st, got, _ := listIDs(d.t, cl, "")
		if want := d.oracle(ctx, c); st != 200 || !sameSet(got, want) {
			d.t.Fatalf("%s: consultant %d's list (%d) has %d tickets, the oracle %d", what, c, st, len(got), len(want))
		}
	}
}
