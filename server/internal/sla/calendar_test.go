package sla

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

func mustCal(t testing.TB, tz string, hours []Hours, holidays ...string) *Calendar {
	t.Helper()
	c, err := NewCalendar(tz, hours, holidays)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// weekdays is Monday to Friday with the given intervals each day.
func weekdays(bounds ...string) []Hours {
	var out []Hours
	for wd := 1; wd <= 5; wd++ {
		for i := 0; i+1 < len(bounds); i += 2 {
			out = append(out, Hours{Weekday: wd, Start: bounds[i], End: bounds[i+1]})
		}
	}
	return out
}

func at(t *testing.T, loc string, s string) time.Time {
	t.Helper()
	l, err := time.LoadLocation(loc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, l)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCalendarTable(t *testing.T) {
	bog := "America/Bogota"
	office := weekdays("08:00", "18:00")
	lunch := weekdays("08:00", "12:00", "13:00", "17:00")
	cases := []struct {
		name     string
		tz       string
		hours    []Hours
		holidays []string
		start    string
		secs     int64
		want     string
	}{
		{"inside hours", bog, office, nil, "2026-12-01 09:00:00", 3600, "2026-12-01 10:00:00"},
		{"runs into the next day", bog, office, nil, "2026-12-01 17:00:00", 2 * 3600, "2026-12-02 09:00:00"},
		{"friday evening to monday", bog, office, nil, "2026-12-04 17:30:00", 3600, "2026-12-07 08:30:00"},
		{"starts on a saturday", bog, office, nil, "2026-12-05 10:00:00", 60, "2026-12-07 08:01:00"},
		{"starts before opening", bog, office, nil, "2026-12-01 06:15:00", 1800, "2026-12-01 08:30:00"},
		{"starts after closing", bog, office, nil, "2026-12-01 19:00:00", 1800, "2026-12-02 08:30:00"},
		{"split across lunch", bog, lunch, nil, "2026-12-01 11:30:00", 3600, "2026-12-01 13:30:00"},
		{"starts at lunch", bog, lunch, nil, "2026-12-01 12:20:00", 600, "2026-12-01 13:10:00"},
		{"ends exactly at closing", bog, office, nil, "2026-12-01 17:00:00", 3600, "2026-12-01 18:00:00"},
		{"holiday skipped", bog, office, []string{"2026-12-08"}, "2026-12-07 17:00:00", 2 * 3600, "2026-12-09 09:00:00"},
		{"christmas week", bog, office, []string{"2026-12-25"}, "2026-12-24 17:00:00", 2 * 3600, "2026-12-28 09:00:00"},
		{"long span: 10 business weeks", bog, office, nil, "2026-01-05 08:00:00", 10 * 50 * 3600, "2026-03-13 18:00:00"},
		{"long span over holidays", bog, office, []string{"2026-01-12", "2026-03-23"}, "2026-01-05 08:00:00", 10 * 50 * 3600, "2026-03-16 18:00:00"},
		{"24x7", bog, nil, nil, "2026-12-05 23:30:00", 3600, "2026-12-06 00:30:00"},
		{"24x7 with a holiday", bog, nil, []string{"2026-12-06"}, "2026-12-05 23:30:00", 3600, "2026-12-07 00:30:00"},
		// New York springs forward on 8 March 2026 at 02:00: that Sunday has 23 hours.
		{"spring forward 24x7 local", "America/New_York", []Hours{{7, "00:00", "24:00"}, {1, "00:00", "24:00"}}, nil,
			"2026-03-08 00:00:00", 24 * 3600, "2026-03-09 01:00:00"},
		// Madrid falls back on 25 October 2026 at 03:00: the 02:00–03:00 hour happens twice, so that
		// night shift holds five real hours.
		{"fall back night shift", "Europe/Madrid", []Hours{{7, "01:00", "05:00"}}, nil,
			"2026-10-25 01:00:00", 5 * 3600, "2026-10-25 05:00:00"},
		{"spring forward night shift", "Europe/Madrid", []Hours{{7, "01:00", "05:00"}}, nil,
			"2026-03-29 01:00:00", 3 * 3600, "2026-03-29 05:00:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCal(t, tc.tz, tc.hours, tc.holidays...)
			start := at(t, tc.tz, tc.start)
			got := c.Add(start, tc.secs)
			want := at(t, tc.tz, tc.want)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %d) = %s, want %s", tc.start, tc.secs, got.In(c.loc), want)
			}
			if b := c.Between(start, got); b != tc.secs {
				t.Fatalf("Between = %d, want %d", b, tc.secs)
			}
		})
	}
}

// The Madrid night shift on the fall-back Sunday lasts five real hours; on the spring-forward one three.
func TestCalendarDSTHours(t *testing.T) {
	c := mustCal(t, "Europe/Madrid", []Hours{{7, "01:00", "05:00"}})
	if got := c.Between(at(t, "Europe/Madrid", "2026-10-25 00:00:00"), at(t, "Europe/Madrid", "2026-10-26 00:00:00")); got != 5*3600 {
		t.Fatalf("fall back: %d s", got)
	}
	if got := c.Between(at(t, "Europe/Madrid", "2026-03-29 00:00:00"), at(t, "Europe/Madrid", "2026-03-30 00:00:00")); got != 3*3600 {
		t.Fatalf("spring forward: %d s", got)
	}
	// New York office hours across the November change: a normal 9-hour day either side.
	ny := mustCal(t, "America/New_York", weekdays("09:00", "18:00"))
	if got := ny.Between(at(t, "America/New_York", "2026-10-30 00:00:00"), at(t, "America/New_York", "2026-11-03 00:00:00")); got != 2*9*3600 {
		t.Fatalf("new york: %d s", got)
	}
}

func TestCalendarRefusals(t *testing.T) {
	for _, tc := range []struct {
		tz    string
		hours []Hours
		hol   []string
	}{
		{"Mars/Olympus", nil, nil},
		{"", nil, nil},
		{"Local", nil, nil},
		{"UTC", []Hours{{1, "10:00", "09:00"}}, nil},
		{"UTC", []Hours{{8, "10:00", "11:00"}}, nil},
		{"UTC", []Hours{{1, "24:30", "25:00"}}, nil},
		{"UTC", nil, []string{"2026-02-30"}},
	} {
		if _, err := NewCalendar(tc.tz, tc.hours, tc.hol); err == nil {
			t.Errorf("NewCalendar(%q, %v, %v) accepted", tc.tz, tc.hours, tc.hol)
		}
	}
}

var zones = []string{"America/Bogota", "America/New_York", "Europe/Madrid", "UTC", "Australia/Lord_Howe"}

// randomCalendar draws a time zone, 0–3 intervals on some weekdays (none at all: 24×7) and holidays.
func randomCalendar(r *rand.Rand) (*Calendar, []string, string) {
	tz := zones[r.Intn(len(zones))]
	var hours []Hours
	if r.Intn(4) > 0 {
		for wd := 1; wd <= 7; wd++ {
			if r.Intn(3) == 0 {
				continue
			}
			m := 0
			for range r.Intn(3) + 1 {
				s := m + r.Intn(300)
				e := s + 15 + r.Intn(400)
				if e > 1440 {
					break
				}
				hours = append(hours, Hours{wd, fmt.Sprintf("%02d:%02d", s/60, s%60), fmt.Sprintf("%02d:%02d", e/60, e%60)})
				m = e + 1
			}
		}
		if len(hours) == 0 {
			hours = append(hours, Hours{3, "09:00", "10:00"})
		}
	}
	var holidays []string
	for range r.Intn(8) {
		holidays = append(holidays, time.Date(2026, 1, 1+r.Intn(500), 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	}
	c, err := NewCalendar(tz, hours, holidays)
	if err != nil {
		panic(err)
	}
	return c, holidays, tz
}

func randomInstant(r *rand.Rand) time.Time {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return base.Add(time.Duration(r.Int63n(int64(400 * 24 * time.Hour))))
}

func TestCalendarProperties(t *testing.T) {
	r := rand.New(rand.NewSource(20261204))
	for i := range 400 {
		c, holidays, tz := randomCalendar(r)
		s := randomInstant(r)
		name := fmt.Sprintf("case %d (%s, %d holidays)", i, tz, len(holidays))
		// Between(s, Add(s, d)) == d, and Add is monotonic in d.
		var prev time.Time
		var ds []int64
		for range 6 {
			ds = append(ds, r.Int63n(60*24*3600))
		}
		ds = append(ds, 0, 1, 59, 3600)
		sortInt64(ds)
		for _, d := range ds {
			e := c.Add(s, d)
			if got := c.Between(s, e); got != d {
				t.Fatalf("%s: Between(s, Add(s, %d)) = %d (s %s, e %s)", name, d, got, s, e)
			}
			if e.Before(prev) {
				t.Fatalf("%s: Add not monotonic at %d", name, d)
			}
			prev = e
		}
		// Between is additive.
		a := randomInstant(r)
		b := a.Add(time.Duration(r.Int63n(int64(90 * 24 * time.Hour))))
		cc := b.Add(time.Duration(r.Int63n(int64(90 * 24 * time.Hour))))
		if x, y, z := c.Between(a, b), c.Between(b, cc), c.Between(a, cc); x+y != z {
			t.Fatalf("%s: Between not additive: %d + %d != %d", name, x, y, z)
		}
		// Nothing counts inside a holiday.
		for _, h := range holidays {
			d, _ := time.ParseInLocation(time.DateOnly, h, c.loc)
			y, m, dd := d.Date()
			from, to := time.Date(y, m, dd, 0, 0, 0, 0, c.loc), time.Date(y, m, dd+1, 0, 0, 0, 0, c.loc)
			if got := c.Between(from, to); got != 0 {
				t.Fatalf("%s: %d s counted on holiday %s", name, got, h)
			}
		}
	}
}

// Around the clock without holidays, business time is wall time, DST or not.
func TestCalendarAroundTheClockIsWallTime(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for range 200 {
		tz := zones[r.Intn(len(zones))]
		c := mustCal(t, tz, nil)
		// The same with every day written out as 00:00–24:00 walks the days instead of adding.
		var all []Hours
		for wd := 1; wd <= 7; wd++ {
			all = append(all, Hours{wd, "00:00", "24:00"})
		}
		slow := mustCal(t, tz, all)
		a := randomInstant(r).Truncate(time.Second)
		b := a.Add(time.Duration(r.Int63n(int64(120 * 24 * time.Hour)))).Truncate(time.Second)
		want := int64(b.Sub(a) / time.Second)
		if got := c.Between(a, b); got != want {
			t.Fatalf("%s: Between = %d, want %d", tz, got, want)
		}
		if got := slow.Between(a, b); got != want {
			t.Fatalf("%s: written-out Between = %d, want %d (%s → %s)", tz, got, want, a, b)
		}
		if got := slow.Add(a, want); !got.Equal(b) {
			t.Fatalf("%s: written-out Add = %s, want %s", tz, got, b)
		}
	}
}

// BenchmarkCalendarAddYear: a year-long target on office hours takes a handful of steps per week, not
// one per minute (well under a millisecond an Add): `go test -run '^$' -bench CalendarAddYear ./server/internal/sla/`.
func BenchmarkCalendarAddYear(b *testing.B) {
	loc, err := time.LoadLocation("America/Bogota")
	if err != nil {
		b.Fatal(err)
	}
	c := mustCal(b, "America/Bogota", weekdays("08:00", "12:00", "13:00", "17:00"), "2026-12-25", "2027-01-01")
	start := time.Date(2026, 1, 5, 8, 0, 0, 0, loc)
	for b.Loop() {
		c.Add(start, 366*24*3600)
	}
}

func sortInt64(s []int64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
