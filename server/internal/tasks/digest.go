package tasks

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/jobs"
)

// DigestHour is the desk-local hour the daily digest of overdue tasks goes out at.
const DigestHour = 7

// DailyAt is a River schedule firing once a day at a wall-clock time in a time zone: after a DST change
// it still fires at that local time (time.Date normalises a time the change skipped).
type DailyAt struct {
	Loc          *time.Location
	Hour, Minute int
}

// Next is the first hh:mm local strictly after cur.
func (d DailyAt) Next(cur time.Time) time.Time {
	l := cur.In(d.Loc)
	next := time.Date(l.Year(), l.Month(), l.Day(), d.Hour, d.Minute, 0, 0, d.Loc)
	for !next.After(cur) {
		l = l.AddDate(0, 0, 1)
		next = time.Date(l.Year(), l.Month(), l.Day(), d.Hour, d.Minute, 0, 0, d.Loc)
	}
	return next
}

// DigestArgs is the daily digest job: At is the moment it was scheduled for.
type DigestArgs struct {
	At time.Time `json:"at"`
}

// Kind is the job's kind.
func (DigestArgs) Kind() string { return "task_digest" }

// DigestWorker sends the daily digest.
type DigestWorker struct {
	river.WorkerDefaults[DigestArgs]
	Service *Service
}

// Work sends the digest of the job's moment.
func (w *DigestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	at := job.Args.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := w.Service.Digest(ctx, at)
	return err
}

// PeriodicDigest is the daily digest's periodic job, at DigestHour in the desk's time zone (River runs
// periodic jobs on the leader instance only).
func (s *Service) PeriodicDigest() *river.PeriodicJob {
	return river.NewPeriodicJob(DailyAt{Loc: s.zone(), Hour: DigestHour},
		func() (river.JobArgs, *river.InsertOpts) {
			return DigestArgs{At: time.Now()}, &river.InsertOpts{Queue: jobs.QueueDefault, MaxAttempts: 5}
		}, &river.PeriodicJobOpts{ID: "task_digest"})
}

func (s *Service) zone() *time.Location {
	if s.TimeZone == nil {
		return time.UTC
	}
	return s.TimeZone
}

type overdueRow struct {
	TaskID        int64     `bun:"task_id"`
	Title         string    `bun:"title"`
	DueAt         time.Time `bun:"due_at"`
	TicketID      int64     `bun:"ticket_id"`
	TicketNumber  int64     `bun:"ticket_number"`
	TicketSubject string    `bun:"ticket_subject"`
	UserID        int64     `bun:"user_id"`
	Name          string    `bun:"name"`
	Email         string    `bun:"email"`
	Locale        string    `bun:"locale"`
}

// Digest sends, for the desk-local day of at, each user with open tasks overdue at `at` one in-app
// notification and one task_digest email listing all of them. A user already sent that day's digest is
// skipped (task_digests), so a second run the same day sends nothing. It returns how many users got one.
func (s *Service) Digest(ctx context.Context, at time.Time) (int, error) {
	day := at.In(s.zone()).Format(time.DateOnly)
	var rows []overdueRow
	if err := s.DB.NewRaw(`SELECT tt.id AS task_id, tt.title, tt.due_at, tt.ticket_id, t.number AS ticket_number,
			t.subject AS ticket_subject, u.id AS user_id, u.name, u.email, u.locale
		FROM ticket_tasks tt JOIN tickets t ON t.id = tt.ticket_id JOIN users u ON u.id = tt.assignee_id
		WHERE NOT tt.done AND tt.assignee_id IS NOT NULL AND tt.due_at < ?
			AND u.disabled_at IS NULL AND u.password_hash <> ''
		ORDER BY u.id, tt.due_at, tt.id`, at).Scan(ctx, &rows); err != nil {
		return 0, fmt.Errorf("tasks: digest: %w", err)
	}
	sent := 0
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].UserID == rows[i].UserID {
			j++
		}
		ok, err := s.digestOne(ctx, day, rows[i:j])
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
		i = j
	}
	return sent, nil
}

// digestOne sends one user's digest in its own transaction, unless that day's went out already.
func (s *Service) digestOne(ctx context.Context, day string, rows []overdueRow) (bool, error) {
	u := rows[0]
	sent := false
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewRaw("INSERT INTO task_digests (user_id, day, tasks) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			u.UserID, day, len(rows)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("tasks: digest: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		sent = true
		if s.Notifier != nil {
			if err := s.Notifier.NotifyUsers(ctx, tx, nil, []int64{u.UserID}, KindTask,
				titles("task.notify_digest", map[string]any{"count": len(rows)})); err != nil {
				return err
			}
		}
		if s.Mailer == nil {
			return nil
		}
		lang := u.Locale
		if lang != "en" {
			lang = "es"
		}
		return s.Mailer.QueueMailTx(ctx, tx, "task_digest", "digest:"+day+":user:"+strconv.FormatInt(u.UserID, 10), nil,
			u.Email, u.Name, lang, s.digestVars(day, lang, rows))
	})
	return sent, err
}

// digestVars are the task_digest template's variables: the day, the count, the tasks as a list of
// records (ticket_number, ticket_subject, title, due_at, link) and the same list written out in the
// reader's language as Markdown (tasks_text), for templates that only fill text.
func (s *Service) digestVars(day, lang string, rows []overdueRow) map[string]any {
	loc := i18n.Locale(lang)
	list := make([]map[string]any, len(rows))
	var text strings.Builder
	for i, r := range rows {
		link := s.origin("") + "/tickets/" + strconv.FormatInt(r.TicketID, 10)
		due := r.DueAt.In(s.zone()).Format("2006-01-02 15:04")
		list[i] = map[string]any{"ticket_number": r.TicketNumber, "ticket_subject": r.TicketSubject, "title": r.Title,
			"due_at": r.DueAt.UTC().Format(time.RFC3339), "link": link}
		text.WriteString(i18n.T(loc, "task.digest_line", map[string]any{"number": r.TicketNumber, "title": r.Title,
			"due": due, "link": link}))
		text.WriteString("\n")
	}
	return map[string]any{"date": day, "count": len(rows), "tasks": list, "tasks_text": text.String()}
}

// origin is the desk's public origin, else the request's.
func (s *Service) origin(request string) string {
	if s.PublicURL != "" {
		return strings.TrimSuffix(s.PublicURL, "/")
	}
	return strings.TrimSuffix(request, "/")
}
