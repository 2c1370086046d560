package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/atiende/atiende/server/internal/db"
	"github.com/atiende/atiende/server/internal/jobs"
	"github.com/atiende/atiende/server/internal/testutil"
)

type pingArgs struct {
	N  int       `json:"n"`
	At time.Time `json:"at"`
}

func (pingArgs) Kind() string { return "test_ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	mu    sync.Mutex
	runs  map[int]int
	lates map[int]time.Duration
}

func (w *pingWorker) Work(ctx context.Context, j *river.Job[pingArgs]) error {
	if !j.Args.At.IsZero() {
		if err := jobs.WaitUntil(ctx, j.Args.At); err != nil {
			return err
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs[j.Args.N]++
	if !j.Args.At.IsZero() {
		w.lates[j.Args.N] = time.Since(j.Args.At)
	}
	return nil
}

func open(t *testing.T) (*db.DB, *jobs.Jobs, *pingWorker) {
	ctx := context.Background()
	d, err := db.Open(ctx, testutil.DB(t), 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	j, err := jobs.New(d.Pool, d.SQL(), testutil.Log())
	if err != nil {
		t.Fatal(err)
	}
	w := &pingWorker{runs: map[int]int{}, lates: map[int]time.Duration{}}
	jobs.Register(j, w)
	return d, j, w
}

// A job enqueued in a transaction runs once when it commits and never when it rolls back, across two
// instances working the same queue; a timer job runs at its moment, not a scheduler sweep later.
func TestJobsFollowTheirTransactionAndRunOnce(t *testing.T) {
	ctx := context.Background()
	d, j1, w1 := open(t)
	j2, err := jobs.New(d.Pool, d.SQL(), testutil.Log())
	if err != nil {
		t.Fatal(err)
	}
	w2 := &pingWorker{runs: map[int]int{}, lates: map[int]time.Duration{}}
	jobs.Register(j2, w2)
	for _, j := range []*jobs.Jobs{j1, j2} {
		if err := j.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = j.Stop(context.Background()) })
	}
	for n := 1; n <= 40; n++ {
		tx, err := d.Bun.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := j1.InsertTx(ctx, tx, pingArgs{N: n}, nil); err != nil {
			t.Fatal(err)
		}
		if n%2 == 0 {
			_ = tx.Rollback()
		} else if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Now().Add(2 * time.Second)
	tx, _ := d.Bun.BeginTx(ctx, nil)
	if _, err := j1.InsertTx(ctx, tx, pingArgs{N: 100, At: at}, jobs.TimerOpts(at)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		w1.mu.Lock()
		w2.mu.Lock()
		done := len(w1.runs)+len(w2.runs) >= 21
		w2.mu.Unlock()
		w1.mu.Unlock()
		if done {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	w1.mu.Lock()
	defer w1.mu.Unlock()
	w2.mu.Lock()
	defer w2.mu.Unlock()
	for n := 1; n <= 40; n++ {
		got := w1.runs[n] + w2.runs[n]
		want := n % 2
		if got != want {
			t.Errorf("job %d ran %d times, want %d", n, got, want)
		}
	}
	if got := w1.runs[100] + w2.runs[100]; got != 1 {
		t.Fatalf("timer ran %d times, want 1", got)
	}
	late := w1.lates[100] + w2.lates[100]
	// Never early; and on time, not on River's 5 s promotion sweep. The bound leaves room for a loaded
	// machine: how late timers run is measured by the SLA benchmark, not here.
	if late < 0 || late > 3*time.Second {
		t.Errorf("timer ran %v after its moment, want within 3 s", late)
	}
}
