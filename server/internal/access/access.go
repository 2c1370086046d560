// Package access owns who sees what. Every visibility decision of Atiende goes through it: the SQL
// predicate for lists, search, widgets and exports; the check for one ticket; and the check the live hub
// applies to each event for each connection, from the event's visibility fields, without a query.
package access

import (
	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/i18n"
)

// Role is a built-in role.
type Role string

// The built-in roles.
const (
	Admin      Role = "admin"
	Supervisor Role = "supervisor"
	Agent      Role = "agent"
	Consultant Role = "consultant"
	Customer   Role = "customer"
)

// Roles lists the built-in roles.
var Roles = []Role{Admin, Supervisor, Agent, Consultant, Customer}

// Valid reports whether r is a built-in role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Subject is the acting user, as every decision needs it.
type Subject struct {
	UserID int64
	Name   string
	Email  string
	Role   Role
	Locale i18n.Locale
}

// Staff reports whether the subject works tickets (admin, supervisor, agent). Until the full rule of
// per-ticket roles lands, staff see every ticket.
func (s Subject) Staff() bool {
	return s.Role == Admin || s.Role == Supervisor || s.Role == Agent
}

// TicketVis is what a receiver needs to decide whether a subject may see a ticket, carried by every
// ticket event so that the hub decides without a query.
type TicketVis struct {
	RequesterID int64 `json:"requester_id,omitempty"`
	AssigneeID  int64 `json:"assignee_id,omitempty"`
}

// CanSeeTicket reports whether s may see a ticket with these visibility fields. A ticket one may not
// see answers 404, never 403, so that its existence is not revealed.
func CanSeeTicket(s Subject, v TicketVis) bool {
	if s.Staff() {
		return true
	}
	return s.UserID != 0 && v.RequesterID == s.UserID
}

// TicketFilter restricts a query over tickets (aliased alias) to those s may see.
func TicketFilter(q *bun.SelectQuery, alias string, s Subject) *bun.SelectQuery {
	if s.Staff() {
		return q
	}
	return q.Where("?.requester_id = ?", bun.Ident(alias), s.UserID)
}

// CanSeeInternal reports whether s may read and write internal notes (staff only).
func CanSeeInternal(s Subject) bool { return s.Staff() }

// CanSeePresence reports whether s takes part in presence on a ticket s may see: who else is viewing it
// and who is writing a reply (staff only; customers neither see agents' presence nor show their own).
func CanSeePresence(s Subject) bool { return s.Staff() }

// CanMoveTickets reports whether s may move tickets on the board (change status and place).
func CanMoveTickets(s Subject) bool { return s.Staff() }

// Unfiltered reports whether s sees every ticket, so that pre-computed counts over all tickets apply.
func Unfiltered(s Subject) bool { return s.Staff() }

// CanComment reports whether s may add a comment to a ticket with these visibility fields: a public
// reply for anyone who sees the ticket, an internal note only for those who see internal notes.
func CanComment(s Subject, v TicketVis, public bool) bool {
	if !CanSeeTicket(s, v) {
		return false
	}
	return public || CanSeeInternal(s)
}

// CanAttach reports whether s may upload files to a ticket: staff, or the requester on their own ticket.
func CanAttach(s Subject, v TicketVis) bool {
	if s.Staff() {
		return true
	}
	return s.UserID != 0 && v.RequesterID == s.UserID
}

// AttachmentVis is what deciding on one attachment needs beyond its ticket.
type AttachmentVis struct {
	UploaderID int64 // 0 when the uploader is gone
	OnComment  bool  // claimed by a comment
	OnTicket   bool  // attached to the ticket itself, not waiting for a comment
	Internal   bool  // that comment is an internal note
}

// CanSeeAttachment reports whether s may list and download an attachment of a ticket s sees: a file
// attached to the ticket itself by anyone who sees the ticket, files of internal notes only by those who
// see internal notes, and a file not yet on a comment only by staff and whoever uploaded it (it is still
// a draft of theirs).
func CanSeeAttachment(s Subject, v TicketVis, a AttachmentVis) bool {
	if !CanSeeTicket(s, v) {
		return false
	}
	if a.OnTicket {
		return true
	}
	if !a.OnComment {
		return s.Staff() || (s.UserID != 0 && a.UploaderID == s.UserID)
	}
	return !a.Internal || CanSeeInternal(s)
}

// CanUseCannedResponses reports whether s may fill canned responses into a reply (staff only).
func CanUseCannedResponses(s Subject) bool { return s.Staff() }

// CanManageCatalogs reports whether s may change the catalogs (statuses, priorities, categories, channels,
// queues, note reasons, canned responses, KB categories) and read their change history.
func CanManageCatalogs(s Subject) bool { return s.Role == Admin }

// CanSeeCatalogUsage reports whether s may see how many tickets use each catalog entry: counts over every
// ticket, which those who see only their own tickets are not shown.
func CanSeeCatalogUsage(s Subject) bool { return s.Staff() }

// CanEditTicket reports whether s may change a ticket's fields (subject, typification, people, dates).
// Until per-ticket roles land, every staff member may edit every ticket.
func CanEditTicket(s Subject, v TicketVis) bool { return s.Staff() && CanSeeTicket(s, v) }

// CanMergeTickets reports whether s may merge a duplicate ticket into another one.
func CanMergeTickets(s Subject) bool { return s.Staff() }

// CanCreateFor reports whether s may open a ticket on behalf of any requester (and set its workflow
// fields: status, queue, assignee); everyone else opens tickets only for themselves.
func CanCreateFor(s Subject) bool { return s.Staff() }

// CanSearchPeople reports whether s may look up people by name or email (to pick a requester).
func CanSearchPeople(s Subject) bool { return s.Staff() }

// CanBeAssigned reports whether a user with this role may be given tickets.
func CanBeAssigned(r Role) bool { return Subject{Role: r}.Staff() }

// AssignableRoles lists the roles CanBeAssigned accepts, for queries over users.
func AssignableRoles() []Role {
	var out []Role
	for _, r := range Roles {
		if CanBeAssigned(r) {
			out = append(out, r)
		}
	}
	return out
}
