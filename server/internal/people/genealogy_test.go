package people_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/people"
)

// ancestors reads a person's sponsor chain from the database.
func (e *env) ancestors(id int64) []int64 {
	e.t.Helper()
	var out []int64
	if err := e.a.DB.Pool.QueryRow(e.t.Context(), "SELECT ancestors FROM users WHERE id = $1", id).Scan(&out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// brokenChains counts persons whose chain is not their sponsor's chain plus themselves, or holds anyone
// twice (a loop).
func (e *env) brokenChains() int {
	e.t.Helper()
	var n int
	if err := e.a.DB.Pool.QueryRow(e.t.Context(), `SELECT count(*) FROM users u WHERE
		u.ancestors[cardinality(u.ancestors)] IS DISTINCT FROM u.id
		OR (u.sponsor_id IS NULL AND cardinality(u.ancestors) <> 1)
		OR (u.sponsor_id IS NOT NULL AND u.ancestors <> (SELECT s.ancestors FROM users s WHERE s.id = u.sponsor_id) || u.id)
		OR (SELECT count(DISTINCT x) FROM unnest(u.ancestors) x) <> cardinality(u.ancestors)`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) move(id, version int64, sponsor any) (int, []byte) {
	e.t.Helper()
	return e.agent.Do("PATCH", fmt.Sprintf("/api/v1/persons/%d", id), map[string]any{"version": version, "sponsor_id": sponsor})
}

func TestMoveDeepChain(t *testing.T) {
	e := newEnv(t)
	r1 := e.consultant("Raúl Uno", nil)
	r2 := e.consultant("Rita Dos", nil)
	x := e.consultant("Xavi", &r2.ID)
	chain := []people.Person{}
	sponsor := r1.ID
	for i := 1; i <= 10; i++ {
		c := e.consultant(fmt.Sprintf("Nivel %02d", i), &sponsor)
		chain = append(chain, c)
		sponsor = c.ID
	}
	side := e.create(map[string]any{"name": "Lateral", "email": "lateral@x.test", "kind": "customer", "sponsor_id": chain[2].ID})
	if got := e.ancestors(chain[9].ID); len(got) != 11 || got[0] != r1.ID {
		t.Fatalf("the chain before: %v", got)
	}

	// Move the chain's top under Xavi (another branch): every descendant's chain changes its prefix.
	if st, b := e.move(chain[0].ID, chain[0].Version, x.ID); st != 200 {
		t.Fatalf("move: %d %s", st, b)
	}
	want := []int64{r2.ID, x.ID}
	for i, c := range chain {
		want = append(want, c.ID)
		if got := e.ancestors(c.ID); !slices.Equal(got, want) {
			t.Errorf("level %d: %v, want %v", i+1, got, want)
		}
	}
	if got, w := e.ancestors(side.ID), []int64{r2.ID, x.ID, chain[0].ID, chain[1].ID, chain[2].ID, side.ID}; !slices.Equal(got, w) {
		t.Errorf("side branch: %v, want %v", got, w)
	}
	if got := e.ancestors(r1.ID); !slices.Equal(got, []int64{r1.ID}) {
		t.Errorf("the old root: %v", got)
	}
	deep := e.get(chain[9].ID)
	if len(deep.Upline) != 11 || deep.Upline[0].Name != "Rita Dos" || deep.Upline[1].Name != "Xavi" || deep.Upline[10].Name != "Nivel 09" {
		t.Errorf("upline of the deepest: %+v", deep.Upline)
	}
	if n := e.get(r2.ID).DownlineCount; n != 12 {
		t.Errorf("the new root's downline: %d", n)
	}
	if n := e.get(r1.ID).DownlineCount; n != 0 {
		t.Errorf("the old root's downline: %d", n)
	}
	if e.brokenChains() != 0 {
		t.Error("broken chains after the move")
	}

	// A loop is refused whole: Rita under the chain's bottom, or under herself.
	e.refused(e.agent, "PATCH", fmt.Sprintf("/api/v1/persons/%d", r2.ID), map[string]any{"version": r2.Version, "sponsor_id": chain[9].ID}, 422,
		"sponsor_id", "Nivel 10 está en la red de Rita Dos; no puede ser su patrocinador.", "Nivel 10 is in Rita Dos's network; they cannot be their sponsor.")
	e.refused(e.agent, "PATCH", fmt.Sprintf("/api/v1/persons/%d", chain[0].ID), map[string]any{"version": chain[0].Version + 1, "sponsor_id": chain[4].ID}, 422,
		"sponsor_id", "Nivel 05 está en la red de Nivel 01", "Nivel 05 is in Nivel 01's network")

	// Back to a root of its own (null sponsor).
	if st, b := e.move(chain[0].ID, chain[0].Version+1, nil); st != 200 {
		t.Fatalf("to root: %d %s", st, b)
	}
	want = nil
	for _, c := range chain {
		want = append(want, c.ID)
		if got := e.ancestors(c.ID); !slices.Equal(got, want) {
			t.Errorf("after becoming a root: %v, want %v", got, want)
		}
	}
	if e.brokenChains() != 0 {
		t.Error("broken chains after becoming a root")
	}
}

func TestMoveTellsTicketsEveryMovedPerson(t *testing.T) {
	e := newEnv(t)
	r1 := e.consultant("Ana Raíz", nil)
	r2 := e.consultant("Beto Raíz", nil)
	c1 := e.consultant("Ceci", &r1.ID)
	c2 := e.create(map[string]any{"name": "Dani", "email": "dani@x.test", "kind": "customer", "sponsor_id": c1.ID})
	subj := e.f.Subject("agent1@x.test")
	var heard []int64
	var chainInTx []int64
	svc := &people.Service{DB: e.a.DB.Bun, NetworkChanged: func(ctx context.Context, tx bun.IDB, s access.Subject, ids []int64) error {
		heard = ids
		// The hook runs in the moving transaction and sees the new chains.
		return tx.NewRaw("SELECT ancestors FROM users WHERE id = ?", c2.ID).Scan(ctx, pgdialect.Array(&chainInTx))
	}}
	if _, err := svc.Patch(t.Context(), subj, c1.ID, people.PersonPatch{Version: c1.Version, SponsorID: people.Optional[int64]{Set: true, Value: r2.ID}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(heard, []int64{c1.ID, c2.ID}) || !slices.Equal(chainInTx, []int64{r2.ID, c1.ID, c2.ID}) {
		t.Errorf("hook heard %v, saw chain %v", heard, chainInTx)
	}
	// A change that is not a move does not call it.
	heard = nil
	if _, err := svc.Patch(t.Context(), subj, c1.ID, people.PersonPatch{Version: c1.Version + 1, Name: people.Optional[string]{Set: true, Value: "Cecilia"}}); err != nil || heard != nil {
		t.Errorf("rename: %v, heard %v", err, heard)
	}
	// When the tickets side fails, the move is undone.
	before := e.state()
	svc.NetworkChanged = func(context.Context, bun.IDB, access.Subject, []int64) error { return errors.New("tickets down") }
	if _, err := svc.Patch(t.Context(), subj, c1.ID, people.PersonPatch{Version: c1.Version + 2, SponsorID: people.Optional[int64]{Set: true, Null: true}}); err == nil {
		t.Error("a failing hook let the move through")
	}
	if e.state() != before {
		t.Error("a failed move wrote something")
	}
}

func TestConcurrentOppositeMoves(t *testing.T) {
	e := newEnv(t)
	a := e.consultant("Alfa", nil)
	b := e.consultant("Beta", nil)
	e.consultant("Alfa Hija", &a.ID)
	e.consultant("Beta Hijo", &b.ID)
	va, vb := a.Version, b.Version
	for round := 0; round < 6; round++ {
		start := make(chan struct{})
		var wg sync.WaitGroup
		var stA, stB int
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			stA, _ = e.agent.Do("PATCH", fmt.Sprintf("/api/v1/persons/%d", a.ID), map[string]any{"version": va, "sponsor_id": b.ID})
		}()
		go func() {
			defer wg.Done()
			<-start
			stB, _ = e.agent2.Do("PATCH", fmt.Sprintf("/api/v1/persons/%d", b.ID), map[string]any{"version": vb, "sponsor_id": a.ID})
		}()
		close(start)
		wg.Wait()
		if !(stA == 200 && stB == 422 || stA == 422 && stB == 200) {
			t.Fatalf("round %d: A under B %d, B under A %d; want one 200 and one 422", round, stA, stB)
		}
		if n := e.brokenChains(); n != 0 {
			t.Fatalf("round %d: %d broken chains", round, n)
		}
		// Undo the move that won, so the next round races again.
		if stA == 200 {
			va++
			if st, body := e.move(a.ID, va, nil); st != 200 {
				t.Fatalf("reset: %d %s", st, body)
			}
			va++
		} else {
			vb++
			if st, body := e.move(b.ID, vb, nil); st != 200 {
				t.Fatalf("reset: %d %s", st, body)
			}
			vb++
		}
	}
}
