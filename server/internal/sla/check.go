package sla

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/errs"
)

// Limits of what a policy or a calendar holds.
const (
	MinTargetSeconds = 10
	MaxTargetSeconds = 366 * 24 * 3600
	MaxIntervals     = 70
	MaxHolidays      = 400
	maxName          = 80
)

// checker gathers the field errors of one body, and the first system error.
type checker struct {
	ctx context.Context
	db  bun.IDB
	e   *errs.Error
	sys error
}

func (c *checker) bad(field, key string, args map[string]any) {
	if c.e == nil {
		c.e = errs.New(errs.Invalid, "error.invalid")
	}
	if _, dup := c.e.Fields[field]; !dup {
		c.e.WithField(field, key, args)
	}
}

func (c *checker) result() error {
	if c.sys != nil {
		return c.sys
	}
	if c.e != nil {
		return c.e
	}
	return nil
}

func (c *checker) name(field, s string) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		c.bad(field, "field.required", nil)
	case n > maxName:
		c.bad(field, "field.max", map[string]any{"param": maxName})
	}
	return s
}

// ids checks that every id names a row of table (and, when active, an active one) and returns them
// sorted without repeats.
func (c *checker) ids(field, table string, ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []int64{}
	}
	if len(out) == 0 || c.sys != nil {
		return out
	}
	n, err := c.db.NewSelect().Table(table).Where("id IN (?)", bun.In(out)).Count(c.ctx)
	if err != nil {
		c.sys = fmt.Errorf("sla: check %s: %w", table, err)
		return out
	}
	if int(n) != len(out) {
		c.bad(field, "sla.unknown_ids", nil)
	}
	return out
}

// CalendarInput is the body of POST /sla/calendars and (with Version) PUT /sla/calendars/{id}.
type CalendarInput struct {
	Name     Label     `json:"name"`
	TimeZone string    `json:"time_zone" validate:"required"`
	Hours    []Hours   `json:"hours"`
	Holidays []Holiday `json:"holidays"`
	Version  int64     `json:"version"`
}

// checkCalendar checks a calendar's body and returns it cleaned.
func checkCalendar(in CalendarInput) (*CalendarRow, error) {
	c := &checker{}
	row := &CalendarRow{NameES: c.name("name.es", in.Name.ES), NameEN: c.name("name.en", in.Name.EN),
		TimeZone: strings.TrimSpace(in.TimeZone), Hours: []Hours{}, Holidays: []Holiday{}}
	if _, err := loadZone(row.TimeZone); err != nil {
		c.bad("time_zone", "sla.time_zone_unknown", map[string]any{"zone": row.TimeZone})
	}
	if len(in.Hours) > MaxIntervals {
		c.bad("hours", "field.max_items", map[string]any{"max": MaxIntervals})
	}
	byDay := map[int][]span{}
	for i, h := range in.Hours {
		f := "hours." + strconv.Itoa(i)
		s, ok1 := parseClock(h.Start)
		e, ok2 := parseClock(h.End)
		switch {
		case h.Weekday < 1 || h.Weekday > 7:
			c.bad(f+".weekday", "sla.weekday_invalid", nil)
			continue
		case !ok1:
			c.bad(f+".start", "sla.clock_invalid", nil)
			continue
		case !ok2:
			c.bad(f+".end", "sla.clock_invalid", nil)
			continue
		case s >= e:
			c.bad(f+".end", "sla.interval_inverted", nil)
			continue
		}
		for _, o := range byDay[h.Weekday] {
			if s < o.end && o.start < e {
				c.bad(f, "sla.interval_overlap", nil)
			}
		}
		byDay[h.Weekday] = append(byDay[h.Weekday], span{s, e})
		row.Hours = append(row.Hours, h)
	}
	slices.SortFunc(row.Hours, func(a, b Hours) int {
		if a.Weekday != b.Weekday {
			return a.Weekday - b.Weekday
		}
		return strings.Compare(a.Start, b.Start)
	})
	if len(in.Holidays) > MaxHolidays {
		c.bad("holidays", "field.max_items", map[string]any{"max": MaxHolidays})
	}
	seen := map[string]bool{}
	for i, h := range in.Holidays {
		f := "holidays." + strconv.Itoa(i)
		if _, err := time.Parse(time.DateOnly, h.Date); err != nil {
			c.bad(f+".date", "sla.date_invalid", nil)
			continue
		}
		if seen[h.Date] {
			c.bad(f+".date", "sla.holiday_repeated", nil)
			continue
		}
		seen[h.Date] = true
		name := strings.TrimSpace(h.Name)
		if utf8.RuneCountInString(name) > maxName {
			c.bad(f+".name", "field.max", map[string]any{"param": maxName})
		}
		row.Holidays = append(row.Holidays, Holiday{Date: h.Date, Name: name})
	}
	slices.SortFunc(row.Holidays, func(a, b Holiday) int { return strings.Compare(a.Date, b.Date) })
	if err := c.result(); err != nil {
		return nil, err
	}
	return row, nil
}

// PolicyInput is the body of POST /sla/policies and (with Version) PUT /sla/policies/{id}.
type PolicyInput struct {
	Name                 Label        `json:"name"`
	Active               *bool        `json:"active" validate:"required"`
	PriorityIDs          []int64      `json:"priority_ids"`
	CategoryIDs          []int64      `json:"category_ids"`
	QueueIDs             []int64      `json:"queue_ids"`
	ChannelIDs           []int64      `json:"channel_ids"`
	FirstResponseSeconds int64        `json:"first_response_seconds"`
	ResolutionSeconds    int64        `json:"resolution_seconds"`
	AtRiskPercent        *int         `json:"at_risk_percent"`
	CalendarID           *int64       `json:"calendar_id"`
	PauseStatusIDs       []int64      `json:"pause_status_ids"`
	Escalations          []Escalation `json:"escalations"`
	Version              int64        `json:"version"`
}

// DefaultAtRiskPercent is the share of a target used at which a clock turns at risk when none is given.
const DefaultAtRiskPercent = 75

// checkPolicy checks a policy's body against the database and returns it cleaned. A first-response
// target longer than the resolution target is refused: the resolution would breach first, and the
// first response could never matter.
func checkPolicy(ctx context.Context, db bun.IDB, in PolicyInput) (*Policy, error) {
	c := &checker{ctx: ctx, db: db}
	p := &Policy{NameES: c.name("name.es", in.Name.ES), NameEN: c.name("name.en", in.Name.EN), Active: *in.Active,
		FirstResponseSeconds: in.FirstResponseSeconds, ResolutionSeconds: in.ResolutionSeconds, AtRiskPercent: DefaultAtRiskPercent,
		CalendarID: in.CalendarID, Escalations: []Escalation{}}
	p.PriorityIDs = c.ids("priority_ids", "priorities", in.PriorityIDs)
	p.CategoryIDs = c.ids("category_ids", "categories", in.CategoryIDs)
	p.QueueIDs = c.ids("queue_ids", "queues", in.QueueIDs)
	p.ChannelIDs = c.ids("channel_ids", "channels", in.ChannelIDs)
	p.PauseStatusIDs = c.ids("pause_status_ids", "statuses", in.PauseStatusIDs)
	targetArgs := map[string]any{"min": MinTargetSeconds, "max_days": MaxTargetSeconds / 86400}
	frOK := in.FirstResponseSeconds >= MinTargetSeconds && in.FirstResponseSeconds <= MaxTargetSeconds
	resOK := in.ResolutionSeconds >= MinTargetSeconds && in.ResolutionSeconds <= MaxTargetSeconds
	if !frOK {
		c.bad("first_response_seconds", "sla.target_range", targetArgs)
	}
	if !resOK {
		c.bad("resolution_seconds", "sla.target_range", targetArgs)
	}
	if frOK && resOK && in.FirstResponseSeconds > in.ResolutionSeconds {
		c.bad("first_response_seconds", "sla.first_response_longer", nil)
	}
	if in.AtRiskPercent != nil {
		if *in.AtRiskPercent < 1 || *in.AtRiskPercent > 99 {
			c.bad("at_risk_percent", "sla.percent_range", nil)
		}
		p.AtRiskPercent = *in.AtRiskPercent
	}
	if in.CalendarID != nil {
		if ids := c.ids("calendar_id", "sla_calendars", []int64{*in.CalendarID}); len(ids) == 0 {
			c.bad("calendar_id", "sla.unknown_ids", nil)
		}
	}
	for i, e := range in.Escalations {
		f := "escalations." + strconv.Itoa(i)
		switch {
		case e.On != EventAtRisk && e.On != EventBreach:
			c.bad(f+".on", "sla.escalation_on", nil)
		case e.Clock != FirstResponse && e.Clock != Resolution && e.Clock != "any":
			c.bad(f+".clock", "sla.escalation_clock", nil)
		case !slices.Contains([]string{"notify_supervisors", "notify_assignee", "raise_priority", "next_queue"}, e.Action):
			c.bad(f+".action", "sla.escalation_action", nil)
		case slices.Contains(p.Escalations, e):
			c.bad(f, "sla.escalation_repeated", nil)
		default:
			p.Escalations = append(p.Escalations, e)
		}
	}
	if err := c.result(); err != nil {
		return nil, err
	}
	return p, nil
}
