// Package sla keeps tickets' service-level clocks: policies with first-response and resolution targets,
// business-hours calendars, the clocks themselves (started, paused, recalculated, met) and the timers
// that fire at-risk and breach exactly once, with their escalations.
package sla

import (
	"fmt"
	"sort"
	"time"
	// Time zones must resolve the same on every machine, with or without the system's zoneinfo.
	_ "time/tzdata"
)

// Calendar is when business time runs: weekly intervals in a time zone, minus holidays. Business time
// is counted in whole seconds; instants are truncated to the second. Every computation happens in the
// calendar's local dates and wall clock, so a daylight-saving change shortens or lengthens the hours
// that cross it exactly as a clock on the office wall does.
type Calendar struct {
	loc *time.Location
	// wall: no intervals and no holidays, so business time is wall time.
	wall bool
	// days holds each weekday's intervals (indexed by time.Weekday), sorted and merged.
	days     [7][]span
	holidays map[int]bool
	// week is the business time of a week without holidays or offset changes.
	week time.Duration
}

// span is one interval of a day in minutes since local midnight, start < end ≤ 1440.
type span struct{ start, end int }

// Hours is one weekly interval: ISO weekday (1 = Monday … 7 = Sunday) and "HH:MM" bounds; End may be
// "24:00".
type Hours struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// NewCalendar builds a calendar. No hours means around the clock; holidays are "YYYY-MM-DD" local
// dates. Its errors name the first bad part; the API checks input field by field before (see check.go).
func NewCalendar(tz string, hours []Hours, holidays []string) (*Calendar, error) {
	loc, err := loadZone(tz)
	if err != nil {
		return nil, err
	}
	c := &Calendar{loc: loc, holidays: map[int]bool{}}
	for _, h := range holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return nil, fmt.Errorf("sla: holiday %q: %w", h, err)
		}
		c.holidays[dateKey(d.Date())] = true
	}
	if len(hours) == 0 {
		for i := range c.days {
			c.days[i] = []span{{0, 1440}}
		}
		c.wall = len(c.holidays) == 0
	}
	for _, h := range hours {
		s, ok1 := parseClock(h.Start)
		e, ok2 := parseClock(h.End)
		if h.Weekday < 1 || h.Weekday > 7 || !ok1 || !ok2 || s >= e {
			return nil, fmt.Errorf("sla: bad interval %+v", h)
		}
		wd := h.Weekday % 7 // ISO 7 (Sunday) is time.Sunday (0)
		c.days[wd] = append(c.days[wd], span{s, e})
	}
	for i := range c.days {
		c.days[i] = merge(c.days[i])
		for _, sp := range c.days[i] {
			c.week += time.Duration(sp.end-sp.start) * time.Minute
		}
	}
	return c, nil
}

// AroundTheClock is the 24×7 calendar in UTC: business time is wall time.
func AroundTheClock() *Calendar {
	c, _ := NewCalendar("UTC", nil, nil)
	return c
}

// loadZone loads an IANA time zone; "" and "Local" are refused, since they mean this machine's zone.
func loadZone(tz string) (*time.Location, error) {
	if tz == "" || tz == "Local" {
		return nil, fmt.Errorf("sla: unknown time zone %q", tz)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("sla: unknown time zone %q", tz)
	}
	return loc, nil
}

// parseClock reads "HH:MM" (00:00 … 24:00) as minutes since midnight.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, m := 0, 0
	for _, ch := range s[:2] + s[3:] {
		if ch < '0' || ch > '9' {
			return 0, false
		}
	}
	h = int(s[0]-'0')*10 + int(s[1]-'0')
	m = int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// merge sorts spans and joins those that overlap or touch.
func merge(ss []span) []span {
	sort.Slice(ss, func(i, j int) bool { return ss[i].start < ss[j].start })
	var out []span
	for _, s := range ss {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

func dateKey(y int, m time.Month, d int) int { return y*512 + int(m)*32 + d }

// day is one local date; its fields are kept normalised.
type day struct {
	y int
	m time.Month
	d int
}

// dayOf is the local date of t.
func (c *Calendar) dayOf(t time.Time) day {
	y, m, d := t.In(c.loc).Date()
	return day{y, m, d}
}

// next is the date n days later. Noon exists on every date, whatever the zone's transitions.
func (c *Calendar) next(dy day, n int) day {
	y, m, d := time.Date(dy.y, dy.m, dy.d+n, 12, 0, 0, 0, c.loc).Date()
	return day{y, m, d}
}

// at is the instant of a wall-clock minute of a date (a minute that does not exist, in a spring-forward
// gap, is moved past the gap as time.Date does).
func (c *Calendar) at(dy day, minute int) time.Time {
	return time.Date(dy.y, dy.m, dy.d, 0, minute, 0, 0, c.loc)
}

func (c *Calendar) spans(dy day) []span {
	if c.holidays[dateKey(dy.y, dy.m, dy.d)] {
		return nil
	}
	return c.days[time.Date(dy.y, dy.m, dy.d, 12, 0, 0, 0, time.UTC).Weekday()]
}

// plainWeek reports whether the seven dates from dy hold no holiday and no change of UTC offset, so
// that their business time is exactly c.week.
func (c *Calendar) plainWeek(dy day) bool {
	for i := range 7 {
		x := c.next(dy, i)
		if c.holidays[dateKey(x.y, x.m, x.d)] {
			return false
		}
	}
	_, o1 := c.at(dy, 0).Zone()
	_, o2 := c.at(c.next(dy, 7), 0).Zone()
	_, o3 := c.at(c.next(dy, 3), 0).Zone()
	return o1 == o2 && o1 == o3
}

// Add returns the instant at which secs seconds of business time have passed since start. With no
// business time at all in the calendar it never ends: it returns the zero time.
func (c *Calendar) Add(start time.Time, secs int64) time.Time {
	start = start.Truncate(time.Second)
	if secs <= 0 {
		return start
	}
	rem := time.Duration(secs) * time.Second
	if c.wall {
		return start.Add(rem)
	}
	if c.week == 0 {
		return time.Time{}
	}
	t := start
	dy := c.dayOf(start)
	for {
		if c.at(dy, 0).Equal(t) || c.at(dy, 0).After(t) {
			// Whole weeks at a time: a long target costs a few steps per week at most.
			for rem > c.week && c.plainWeek(dy) {
				rem -= c.week
				dy = c.next(dy, 7)
				t = c.at(dy, 0)
			}
		}
		for _, sp := range c.spans(dy) {
			s, e := c.at(dy, sp.start), c.at(dy, sp.end)
			if t.After(s) {
				s = t
			}
			if !e.After(s) {
				continue
			}
			if avail := e.Sub(s); rem <= avail {
				return s.Add(rem)
			} else {
				rem -= avail
			}
		}
		dy = c.next(dy, 1)
		if d0 := c.at(dy, 0); d0.After(t) {
			t = d0
		}
	}
}

// Between returns the business seconds from a to b (0 when b is not after a).
func (c *Calendar) Between(a, b time.Time) int64 {
	a, b = a.Truncate(time.Second), b.Truncate(time.Second)
	if !b.After(a) {
		return 0
	}
	if c.wall {
		return int64(b.Sub(a) / time.Second)
	}
	var sum time.Duration
	t := a
	dy := c.dayOf(a)
	for c.at(dy, 0).Before(b) {
		d0 := c.at(dy, 0)
		if !t.After(d0) {
			for c.at(c.next(dy, 7), 0).Compare(b) <= 0 && c.plainWeek(dy) {
				sum += c.week
				dy = c.next(dy, 7)
				t = c.at(dy, 0)
			}
			if !c.at(dy, 0).Before(b) {
				break
			}
		}
		for _, sp := range c.spans(dy) {
			s, e := c.at(dy, sp.start), c.at(dy, sp.end)
			if t.After(s) {
				s = t
			}
			if e.After(b) {
				e = b
			}
			if e.After(s) {
				sum += e.Sub(s)
			}
		}
		dy = c.next(dy, 1)
		if d0 := c.at(dy, 0); d0.After(t) {
			t = d0
		}
	}
	return int64(sum / time.Second)
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }
