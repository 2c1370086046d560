package sla

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/jobs"
	"github.com/atiende/atiende/server/internal/tickets"
)

// The clocks of a ticket.
const (
	FirstResponse = "first_response"
	Resolution    = "resolution"
)

// The stored states of a clock. A running clock is on track, at risk or breached depending on the time
// it has used; cards and counts derive that from its due and at-risk instants.
const (
	Running = "running"
	Paused  = "paused"
	Met     = "met"
	Stopped = "stopped"
)

// SourceSLA is the source of the ticket changes an escalation makes, as hooks see it.
const SourceSLA = "sla"

// NotificationKind is the kind of the in-app notifications SLA escalations and state limits leave.
const NotificationKind = "sla"

// nowFn is the clock of this package.
var nowFn = time.Now

// Notifier leaves in-app notifications (automation.Service implements it).
type Notifier interface {
	NotifyUsers(ctx context.Context, tx bun.IDB, ticketID *int64, ids []int64, kind string, title map[string]string) error
}

// Service keeps policies, calendars and clocks.
type Service struct {
	DB       *bun.DB
	Tickets  *tickets.Service
	Jobs     *jobs.Jobs
	Notifier Notifier
	// NextQueue returns the next escalation level of a queue (ok false at the top): the queue package's rule.
	NextQueue func(ctx context.Context, db bun.IDB, queueID int64) (int64, bool, error)

	// Built calendars by id and version: a calendar is parsed once per version per instance.
	mu   sync.Mutex
	cals map[[2]int64]*Calendar
}

// Label is a name in both languages.
type Label struct {
	ES string `json:"es"`
	EN string `json:"en"`
}

// Holiday is a date without business time.
type Holiday struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

// CalendarRow is a calendar as stored and as the API shows it.
type CalendarRow struct {
	bun.BaseModel `bun:"table:sla_calendars,alias:c"`

	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	NameES    string    `bun:"name_es" json:"-"`
	NameEN    string    `bun:"name_en" json:"-"`
	Name      Label     `bun:"-" json:"name"`
	TimeZone  string    `bun:"time_zone" json:"time_zone"`
	Hours     []Hours   `bun:"hours,type:jsonb" json:"hours"`
	Holidays  []Holiday `bun:"holidays,type:jsonb" json:"holidays"`
	Version   int64     `bun:"version" json:"version"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt time.Time `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
}

func (c *CalendarRow) fill() {
	c.Name = Label{ES: c.NameES, EN: c.NameEN}
	if c.Hours == nil {
		c.Hours = []Hours{}
	}
	if c.Holidays == nil {
		c.Holidays = []Holiday{}
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
}

// Escalation is an action a policy takes when one of its clocks turns at risk or breaches.
type Escalation struct {
	On     string `json:"on"`     // at_risk | breach
	Clock  string `json:"clock"`  // first_response | resolution | any
	Action string `json:"action"` // notify_supervisors | notify_assignee | raise_priority | next_queue
}

// Policy is an SLA policy as stored and as the API shows it.
type Policy struct {
	bun.BaseModel `bun:"table:sla_policies,alias:p"`

	ID                   int64        `bun:"id,pk,autoincrement" json:"id"`
	NameES               string       `bun:"name_es" json:"-"`
	NameEN               string       `bun:"name_en" json:"-"`
	Name                 Label        `bun:"-" json:"name"`
	Active               bool         `bun:"active" json:"active"`
	Position             int          `bun:"position" json:"position"`
	PriorityIDs          []int64      `bun:"priority_ids,array" json:"priority_ids"`
	CategoryIDs          []int64      `bun:"category_ids,array" json:"category_ids"`
	QueueIDs             []int64      `bun:"queue_ids,array" json:"queue_ids"`
	ChannelIDs           []int64      `bun:"channel_ids,array" json:"channel_ids"`
	FirstResponseSeconds int64        `bun:"first_response_seconds" json:"first_response_seconds"`
	ResolutionSeconds    int64        `bun:"resolution_seconds" json:"resolution_seconds"`
	AtRiskPercent        int          `bun:"at_risk_percent" json:"at_risk_percent"`
	CalendarID           *int64       `bun:"calendar_id" json:"calendar_id"`
	PauseStatusIDs       []int64      `bun:"pause_status_ids,array" json:"pause_status_ids"`
	Escalations          []Escalation `bun:"escalations,type:jsonb" json:"escalations"`
	Version              int64        `bun:"version" json:"version"`
	CreatedAt            time.Time    `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt            time.Time    `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
}

func (p *Policy) fill() {
	p.Name = Label{ES: p.NameES, EN: p.NameEN}
	for _, s := range []*[]int64{&p.PriorityIDs, &p.CategoryIDs, &p.QueueIDs, &p.ChannelIDs, &p.PauseStatusIDs} {
		if *s == nil {
			*s = []int64{}
		}
	}
	if p.Escalations == nil {
		p.Escalations = []Escalation{}
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
}

// target is the policy's target for a clock.
func (p *Policy) target(clock string) int64 {
	if clock == FirstResponse {
		return p.FirstResponseSeconds
	}
	return p.ResolutionSeconds
}

// matches reports whether the policy's conditions all hold for t. A subcategory counts as a category.
func (p *Policy) matches(t *tickets.Ticket) bool {
	in := func(ids []int64, v *int64) bool {
		return len(ids) == 0 || (v != nil && slices.Contains(ids, *v))
	}
	return in(p.PriorityIDs, &t.PriorityID) && in(p.QueueIDs, t.QueueID) && in(p.ChannelIDs, t.ChannelID) &&
		(in(p.CategoryIDs, t.CategoryID) || (t.SubcategoryID != nil && in(p.CategoryIDs, t.SubcategoryID)))
}

// Clock is one clock of a ticket as stored.
type Clock struct {
	bun.BaseModel `bun:"table:sla_clocks,alias:k"`

	TicketID      int64      `bun:"ticket_id,pk"`
	Clock         string     `bun:"clock,pk"`
	PolicyID      *int64     `bun:"policy_id"`
	State         string     `bun:"state"`
	TargetS       int64      `bun:"target_s"`
	ElapsedS      int64      `bun:"elapsed_s"`
	StartedAt     time.Time  `bun:"started_at"`
	Since         *time.Time `bun:"since"`
	PausedBy      *int64     `bun:"paused_by"`
	DueAt         *time.Time `bun:"due_at"`
	AtRiskAt      *time.Time `bun:"at_risk_at"`
	AtRiskFiredAt *time.Time `bun:"at_risk_fired_at"`
	BreachedAt    *time.Time `bun:"breached_at"`
	MetAt         *time.Time `bun:"met_at"`
	StoppedAt     *time.Time `bun:"stopped_at"`
	Generation    int64      `bun:"generation"`
	QueueID       *int64     `bun:"queue_id"`
	CategoryID    *int64     `bun:"category_id"`
	// ChannelID is the ticket's channel, set and kept by the database (sla_clocks_channel, the follow
	// trigger); the engine never writes it.
	ChannelID    *int64  `bun:"channel_id,scanonly"`
	RequesterID  *int64  `bun:"requester_id"`
	AffectedID   *int64  `bun:"affected_id"`
	AssigneeID   *int64  `bun:"assignee_id"`
	AllowedRoles []int64 `bun:"allowed_roles,array"`
	Network      []int64 `bun:"network,array"`
	Shown        bool    `bun:"shown"`

	// gen0 is the generation the clock was loaded with: a clock whose generation moved is planned again
	// and gets new timers.
	gen0 int64
}

// active reports whether the clock still counts (running or paused).
func (c *Clock) active() bool { return c.State == Running || c.State == Paused }

// calendar returns the built calendar of a policy (around the clock when it names none).
func (s *Service) calendar(ctx context.Context, db bun.IDB, p *Policy) (*Calendar, error) {
	if p == nil || p.CalendarID == nil {
		return AroundTheClock(), nil
	}
	row := new(CalendarRow)
	if err := db.NewSelect().Model(row).Column("id", "time_zone", "hours", "holidays", "version").
		Where("id = ?", *p.CalendarID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: calendar %d: %w", *p.CalendarID, err)
	}
	return s.build(row)
}

// build turns a stored calendar into a Calendar, once per version.
func (s *Service) build(row *CalendarRow) (*Calendar, error) {
	key := [2]int64{row.ID, row.Version}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cals[key]; ok {
		return c, nil
	}
	days := make([]string, len(row.Holidays))
	for i, h := range row.Holidays {
		days[i] = h.Date
	}
	c, err := NewCalendar(row.TimeZone, row.Hours, days)
	if err != nil {
		return nil, err
	}
	if s.cals == nil {
		s.cals = map[[2]int64]*Calendar{}
	}
	s.cals[key] = c
	return c, nil
}

// activePolicies lists the active policies in the order they are tried.
func activePolicies(ctx context.Context, db bun.IDB) ([]Policy, error) {
	var ps []Policy
	if err := db.NewSelect().Model(&ps).Where("active").OrderExpr("position, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: policies: %w", err)
	}
	return ps, nil
}

// policyByID loads one policy (nil when there is none).
func policyByID(ctx context.Context, db bun.IDB, id int64) (*Policy, error) {
	var ps []Policy
	if err := db.NewSelect().Model(&ps).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("sla: policy: %w", err)
	}
	if len(ps) == 0 {
		return nil, nil
	}
	return &ps[0], nil
}

// historyEntry is the "sla" history row of a clock change.
type historyEntry struct {
	Event  string     `json:"event"`
	Clock  string     `json:"clock"`
	Reason string     `json:"reason,omitempty"`
	DueAt  *time.Time `json:"due_at"`
	// PolicyID names the policy the clock runs under after the change.
	PolicyID *int64 `json:"policy_id,omitempty"`
	// TargetS and ElapsedS explain a recalculation: the new target and the business time already used.
	TargetS  int64 `json:"target_s,omitempty"`
	ElapsedS int64 `json:"elapsed_s"`
}

func (h historyEntry) String() string {
	b, _ := json.Marshal(h)
	return string(b)
}
