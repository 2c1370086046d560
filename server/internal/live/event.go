// Package live carries every change to every screen that shows it. Writers append an event row in the
// changing transaction; after commit one relay (the instance holding an advisory lock) numbers committed
// events in a single dense sequence and publishes them on Redis in that order; every instance's bus checks
// the numbers arrive without a gap, backfills any gap from PostgreSQL and hands events to its hub, which
// sends each connection what it may see, in order, resumable after a reconnect.
package live

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
)

// Name is an event name: a dotted constant, listed in shared/live/messages.schema.json.
type Name string

// The event names.
const (
	TicketCreated Name = "ticket.created"
	TicketUpdated Name = "ticket.updated"
	TicketMoved   Name = "ticket.moved"
	// TicketCommented is a reply or an internal note; only watchers of the ticket's topic receive it.
	TicketCommented Name = "ticket.commented"
	// CatalogChanged is a change to a configurable list; every connection receives it.
	CatalogChanged Name = "catalog.changed"
	// AccessChanged says what some users may see or do changed (their roles, a role's permissions, the
	// queues they supervise, a disable). No client receives it: each instance reloads those users'
	// connections, closing a disabled user's and telling the others to reload their views.
	AccessChanged Name = "access.changed"
	// NotificationCreated is a notification for some users (Event.To); only their connections receive it.
	NotificationCreated Name = "notification.created"
	// TicketSLA says a ticket's SLA clock changed without a change to the ticket (a timer turned it at
	// risk or breached, or it was recalculated); `ticket` is the card, whose `sla` replaces the held one
	// whatever its version.
	TicketSLA Name = "ticket.sla"
)

// Names lists every event name clients receive; a test checks it against the live message schema.
var Names = []Name{TicketCreated, TicketUpdated, TicketMoved, TicketCommented, CatalogChanged, NotificationCreated, TicketSLA}

// notifyChannel is the PostgreSQL NOTIFY channel that wakes the relay.
const notifyChannel = "atiende_events"

// Actor is who made a change.
type Actor struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Event is a change as a writer appends it.
type Event struct {
	Name     Name
	TicketID int64
	Ticket   any               // the ticket's whole state after the change, as clients show it
	Previous any               // its state before the change (nil for a creation), so views count exactly
	Actor    *Actor            // nil for the system
	Vis      access.TicketVis  // who may see the ticket now
	PrevVis  *access.TicketVis // who could see it before, when that changed (for removals)
	Comment  any               // the reply or note of a ticket.commented
	Internal bool              // an internal note: only those who may read internal notes receive it
	Catalog  string            // the catalog of a catalog.changed (no ticket)
	Users    []int64           // the users of an access.changed

	// To, when not empty, targets the event at these users: only their connections receive it, whatever
	// the ticket's visibility.
	To []int64
	// Notification is the notification of a notification.created.
	Notification any
}

// payload is the stored and published form of an event, without its seq.
type payload struct {
	Name     Name              `json:"name"`
	At       time.Time         `json:"at"`
	TicketID int64             `json:"ticket_id"`
	Ticket   json.RawMessage   `json:"ticket"`
	Previous json.RawMessage   `json:"previous,omitempty"`
	Actor    *Actor            `json:"actor"`
	Vis      access.TicketVis  `json:"vis"`
	PrevVis  *access.TicketVis `json:"prev_vis,omitempty"`
	Comment  json.RawMessage   `json:"comment,omitempty"`
	Internal bool              `json:"internal,omitempty"`
	Catalog  string            `json:"catalog,omitempty"`
	Users    []int64           `json:"users,omitempty"`

	To           []int64         `json:"to,omitempty"`
	Notification json.RawMessage `json:"notification,omitempty"`
}

// AppendAccessChanged records, in the caller's transaction, that what these users may see or do changed;
// after commit every instance reloads their live connections (closing those of a disabled user).
func AppendAccessChanged(ctx context.Context, tx bun.IDB, users []int64) error {
	if len(users) == 0 {
		return nil
	}
	return Append(ctx, tx, Event{Name: AccessChanged, Users: users})
}

// Append writes an event in the caller's transaction and wakes the relay at commit.
// It is the only way a change leaves for live clients.
func Append(ctx context.Context, tx bun.IDB, ev Event) error {
	ticket, err := json.Marshal(ev.Ticket)
	if err != nil {
		return fmt.Errorf("live: append: %w", err)
	}
	var previous json.RawMessage
	if ev.Previous != nil {
		if previous, err = json.Marshal(ev.Previous); err != nil {
			return fmt.Errorf("live: append: %w", err)
		}
	}
	var comment json.RawMessage
	if ev.Comment != nil {
		if comment, err = json.Marshal(ev.Comment); err != nil {
			return fmt.Errorf("live: append: %w", err)
		}
	}
	var notification json.RawMessage
	if ev.Notification != nil {
		if notification, err = json.Marshal(ev.Notification); err != nil {
			return fmt.Errorf("live: append: %w", err)
		}
	}
	p, err := json.Marshal(payload{Name: ev.Name, At: time.Now().UTC(), TicketID: ev.TicketID, Ticket: ticket,
		Previous: previous, Actor: ev.Actor, Vis: ev.Vis, PrevVis: ev.PrevVis, Comment: comment,
		Internal: ev.Internal, Catalog: ev.Catalog, Users: ev.Users, To: ev.To, Notification: notification})
	if err != nil {
		return fmt.Errorf("live: append: %w", err)
	}
	// One round trip: the row, and the NOTIFY that PostgreSQL delivers at commit.
	if _, err := tx.ExecContext(ctx, `WITH e AS (INSERT INTO events (name, ticket_id, payload) VALUES (?, ?, ?) RETURNING 1)
		SELECT pg_notify(?, '') FROM e`, string(ev.Name), ev.TicketID, string(p), notifyChannel); err != nil {
		return fmt.Errorf("live: append: %w", err)
	}
	return nil
}

// LastSeqExpr is LastSeq as a scalar expression, for a statement that reads it with other things.
const LastSeqExpr = "(SELECT coalesce(max(seq), 0) FROM events)"

// LastSeq returns the newest numbered event; a view read after it reflects at least that event.
func LastSeq(ctx context.Context, db bun.IDB) (int64, error) {
	var seq int64
	if err := db.NewRaw("SELECT "+LastSeqExpr).Scan(ctx, &seq); err != nil {
		return 0, fmt.Errorf("live: last seq: %w", err)
	}
	return seq, nil
}

// envelope is a numbered event as it travels on Redis: the payload with its seq.
func envelope(seq int64, p []byte) []byte {
	out := make([]byte, 0, len(p)+24)
	out = append(out, `{"seq":`...)
	out = strconv.AppendInt(out, seq, 10)
	if len(p) > 2 {
		out = append(out, ',')
	}
	return append(out, p[1:]...)
}

// Message is a numbered event ready for the hub: its visibility fields and the client frame body.
type Message struct {
	Seq      int64
	Name     Name
	TicketID int64
	Vis      access.TicketVis
	PrevVis  *access.TicketVis
	Internal bool
	Catalog  string
	Users    []int64
	To       []int64 // the only users who receive it, when not empty
	body     []byte  // {"seq":…,"name":…,"at":…,"ticket":…,"actor":…}
}

type wireEnvelope struct {
	Seq int64 `json:"seq"`
	payload
}

type clientBody struct {
	Seq      int64           `json:"seq"`
	Name     Name            `json:"name"`
	At       time.Time       `json:"at"`
	Ticket   json.RawMessage `json:"ticket"`
	Previous json.RawMessage `json:"previous"`
	Actor    *Actor          `json:"actor"`
	Comment  json.RawMessage `json:"comment,omitempty"`
	Catalog  string          `json:"catalog,omitempty"`

	Notification json.RawMessage `json:"notification,omitempty"`
}

// parseEnvelope decodes an envelope into a Message.
func parseEnvelope(b []byte) (*Message, error) {
	var w wireEnvelope
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("live: bad envelope: %w", err)
	}
	if w.Seq <= 0 {
		return nil, fmt.Errorf("live: envelope without seq")
	}
	previous := w.Previous
	if len(previous) == 0 {
		previous = json.RawMessage("null")
	}
	ticket := w.Ticket
	if len(ticket) == 0 {
		ticket = json.RawMessage("null")
	}
	body, err := json.Marshal(clientBody{Seq: w.Seq, Name: w.Name, At: w.At, Ticket: ticket, Previous: previous,
		Actor: w.Actor, Comment: w.Comment, Catalog: w.Catalog, Notification: w.Notification})
	if err != nil {
		return nil, err
	}
	return &Message{Seq: w.Seq, Name: w.Name, TicketID: w.TicketID, Vis: w.Vis, PrevVis: w.PrevVis,
		Internal: w.Internal, Catalog: w.Catalog, Users: w.Users, To: w.To, body: body}, nil
}
