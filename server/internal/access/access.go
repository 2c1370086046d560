// Package access owns who sees what. Every visibility decision of Atiende goes through it: the SQL
// predicate for lists, search, widgets and exports; the check for one ticket; and the check the live hub
// applies to each event for each connection, from the event's visibility fields, without a query.
package access

import (
	"sort"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

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

// Subject is the acting user, as every decision needs it: who they are, their roles (the primary one
// and any custom ones), what those roles grant, and the queues they supervise.
type Subject struct {
	UserID  int64
	Name    string
	Email   string
	Role    Role    // the primary, built-in role
	RoleIDs []int64 // every role held: the primary role's row and the custom ones, ascending
	Perms   PermSet // what those roles grant
	Queues  []int64 // the queues this user supervises, ascending
	Locale  i18n.Locale
	// Key is set when the subject is an API key's service user (access/apikeys.go decides for it).
	Key *KeyGrant
	// Visitor is set for an anonymous visitor of the public web form (access/webform.go), who may be
	// nobody's customer yet.
	Visitor bool
}

// Has reports whether s holds a permission; the admin holds every one.
func (s Subject) Has(p Perm) bool {
	if s.UserID == 0 {
		return false
	}
	return GrantsAll(s.Role) || s.Perms.Has(p)
}

// PermKeys lists the keys of every permission s holds, sorted (every key for the admin).
func (s Subject) PermKeys() []string {
	if GrantsAll(s.Role) {
		return AllPermSet().Keys()
	}
	return s.Perms.Keys()
}

// TicketVis is what a receiver needs to decide whether a subject may see a ticket, carried by every
// ticket event so that the hub decides without a query.
type TicketVis struct {
	RequesterID  int64   `json:"requester_id,omitempty"`
	AffectedID   int64   `json:"affected_id,omitempty"`
	AssigneeID   int64   `json:"assignee_id,omitempty"`
	QueueID      int64   `json:"queue_id,omitempty"`
	AllowedRoles []int64 `json:"allowed_roles,omitempty"` // ascending
	Network      []int64 `json:"network,omitempty"`       // ascending: requester's and affected person's sponsor chains
	CreatedBy    int64   `json:"created_by,omitempty"`    // who created the ticket: what an API key sees by
}

// Equal reports whether two visibility records decide the same for everyone.
func (v TicketVis) Equal(o TicketVis) bool {
	return v.RequesterID == o.RequesterID && v.AffectedID == o.AffectedID && v.AssigneeID == o.AssigneeID &&
		v.QueueID == o.QueueID && equalIDs(v.AllowedRoles, o.AllowedRoles) && equalIDs(v.Network, o.Network)
}

// CanSeeTicket reports whether s may see a ticket with these visibility fields (the rule of the S4DS
// seed): everyone sees the tickets they requested, are the affected person of or are assigned; a
// consultant also those of their downline; customer service also those whose allowed roles include one of
// theirs; a supervisor also every ticket of the queues they supervise; the admin everything. A ticket one
// may not see answers 404, never 403, so that its existence is not revealed. TicketFilter is the same
// rule in SQL; a test holds the two equal.
func CanSeeTicket(s Subject, v TicketVis) bool {
	uid := s.UserID
	switch {
	case uid == 0:
		return false
	case s.Key != nil:
		return keySeesTicket(s, v)
	case s.Has(TicketViewAll):
		return true
	case v.RequesterID == uid || v.AffectedID == uid || v.AssigneeID == uid:
		return true
	case s.Has(TicketViewNetwork) && containsID(v.Network, uid):
		return true
	case s.Has(TicketViewByRole) && intersectIDs(v.AllowedRoles, s.RoleIDs):
		return true
	case s.Has(TicketViewQueue) && v.QueueID != 0 && containsID(s.Queues, v.QueueID):
		return true
	}
	return false
}

// TicketFilter restricts a query over tickets (aliased alias) to those s may see: CanSeeTicket in SQL.
// Every part is served by an index (requester, affected, assignee, queue btrees; network and allowed
// roles GIN).
func TicketFilter(q *bun.SelectQuery, alias string, s Subject) *bun.SelectQuery {
	if s.UserID == 0 {
		return q.Where("false")
	}
	if s.Key != nil {
		return q.Where("?.created_by = ?", bun.Ident(alias), s.UserID)
	}
	if s.Has(TicketViewAll) {
		return q
	}
	t := bun.Ident(alias)
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("?.requester_id = ?", t, s.UserID).
			WhereOr("?.affected_id = ?", t, s.UserID).
			WhereOr("?.assignee_id = ?", t, s.UserID)
		if s.Has(TicketViewNetwork) {
			q = q.WhereOr("?.network @> ARRAY[?::bigint]", t, s.UserID)
		}
		if s.Has(TicketViewByRole) && len(s.RoleIDs) > 0 {
			q = q.WhereOr("?.allowed_roles && ?::bigint[]", t, pgdialect.Array(s.RoleIDs))
		}
		if s.Has(TicketViewQueue) && len(s.Queues) > 0 {
			q = q.WhereOr("?.queue_id IN (?)", t, bun.In(s.Queues))
		}
		return q
	})
}

// Unfiltered reports whether s sees every ticket, so that pre-computed counts over all tickets apply.
func Unfiltered(s Subject) bool { return s.Has(TicketViewAll) }

// CanCreateTicket reports whether s may open tickets at all.
func CanCreateTicket(s Subject) bool { return s.Has(TicketCreate) }

// CanCreateFor reports whether s may open a ticket on behalf of any requester (and set its workflow
// fields: status, queue, assignee, allowed roles); everyone else opens tickets only for themselves.
func CanCreateFor(s Subject) bool { return s.Has(TicketCreateFor) }

// FieldGroup is a group of ticket fields that one permission lets change.
type FieldGroup int

// The field groups.
const (
	FieldsContent      FieldGroup = iota // subject, description
	FieldsTypification                   // channel, category, subcategory, priority, order, tags, due date
	FieldsPeople                         // requester, affected person
	FieldsAssignment                     // assignee, queue
	FieldsStatus                         // status and place on the board
	FieldsRoles                          // allowed roles
)

// CanChange reports whether s may change a group of fields of a ticket s sees. A request that changes
// fields one may not is refused whole, never partly applied.
func CanChange(s Subject, v TicketVis, g FieldGroup) bool {
	if !CanSeeTicket(s, v) {
		return false
	}
	switch g {
	case FieldsContent, FieldsTypification, FieldsPeople:
		return s.Has(TicketUpdate)
	case FieldsAssignment:
		return s.Has(TicketAssign)
	case FieldsStatus:
		return s.Has(TicketMove)
	case FieldsRoles:
		return s.Has(TicketSetRoles)
	}
	return false
}

// CanEditTicket reports whether s may change any field of a ticket (the detail shows editors then).
func CanEditTicket(s Subject, v TicketVis) bool {
	for g := FieldsContent; g <= FieldsRoles; g++ {
		if CanChange(s, v, g) {
			return true
		}
	}
	return false
}

// CanMoveTickets reports whether s may move tickets on the board (change status and place).
func CanMoveTickets(s Subject) bool { return s.Has(TicketMove) }

// CanSeeInternal reports whether s may read and write internal notes.
func CanSeeInternal(s Subject) bool { return s.Has(TicketCommentInternal) }

// CanSeePresence reports whether s takes part in presence on a ticket s may see: who else is viewing it
// and who is writing a reply (those who work tickets; customers neither see agents' presence nor show
// their own).
func CanSeePresence(s Subject) bool { return s.Has(TicketCommentInternal) }

// CanComment reports whether s may add a comment to a ticket with these visibility fields: a public
// reply for anyone who sees the ticket, an internal note only for those who see internal notes.
func CanComment(s Subject, v TicketVis, public bool) bool {
	if s.Key != nil {
		return keyMayComment(s, v, public)
	}
	if !CanSeeTicket(s, v) {
		return false
	}
	return public || CanSeeInternal(s)
}

// CanAttach reports whether s may upload files to a ticket: anyone who may reply on it.
func CanAttach(s Subject, v TicketVis) bool { return CanComment(s, v, true) }

// AttachmentVis is what deciding on one attachment needs beyond its ticket.
type AttachmentVis struct {
	UploaderID int64 // 0 when the uploader is gone
	OnComment  bool  // claimed by a comment
	OnTicket   bool  // attached to the ticket itself, not waiting for a comment
	Internal   bool  // that comment is an internal note
}

// CanSeeAttachment reports whether s may list and download an attachment of a ticket s sees: a file
// attached to the ticket itself by anyone who sees the ticket, files of internal notes only by those who
// see internal notes, and a file not yet on a comment only by those and whoever uploaded it (it is still
// a draft of theirs).
func CanSeeAttachment(s Subject, v TicketVis, a AttachmentVis) bool {
	if !CanSeeTicket(s, v) {
		return false
	}
	if a.OnTicket {
		return true
	}
	if !a.OnComment {
		return CanSeeInternal(s) || a.UploaderID == s.UserID
	}
	return !a.Internal || CanSeeInternal(s)
}

// CanUseCannedResponses reports whether s may fill canned responses into a reply.
func CanUseCannedResponses(s Subject) bool { return s.Has(CannedUse) }

// CanManageCatalogs reports whether s may change the catalogs (statuses, priorities, categories, channels,
// queues, note reasons, canned responses) and read their change history.
func CanManageCatalogs(s Subject) bool { return s.Has(CatalogManage) }

// CanManageAutomation reports whether s may create, change, reorder and delete automation rules and
// macros: those who manage the catalogs.
func CanManageAutomation(s Subject) bool { return s.Has(CatalogManage) }

// CanUseMacros reports whether s may list the active macros and apply them to tickets (each change still
// needs s's own permissions on each ticket): those who may use canned responses.
func CanUseMacros(s Subject) bool { return s.Has(CannedUse) }

// CanManageKB reports whether s may change the knowledge base and its categories.
func CanManageKB(s Subject) bool { return s.Has(KBManage) }

// CanSeeCatalogUsage reports whether s may see how many tickets use each catalog entry: counts over every
// ticket, which those who see only some tickets are not shown.
func CanSeeCatalogUsage(s Subject) bool { return s.Has(TicketViewAll) || s.Has(CatalogManage) }

// CanMergeTickets reports whether s may merge a duplicate ticket into another one.
func CanMergeTickets(s Subject) bool { return s.Has(TicketMerge) }

// CanExportTickets reports whether s may export the tickets s sees.
func CanExportTickets(s Subject) bool { return s.Has(TicketExport) }

// CanSearchPeople reports whether s may look up people by name or email (to pick a requester) and see
// their profiles.
func CanSearchPeople(s Subject) bool { return s.Has(PeopleView) }

// CanManagePeople reports whether s may register and edit persons, their contacts and their sponsor.
func CanManagePeople(s Subject) bool { return s.Has(PeopleView) && s.Has(PeopleManage) }

// CanManageUsers reports whether s may invite users, change their roles, disable them and edit roles.
func CanManageUsers(s Subject) bool { return s.Has(UsersManage) }

// CanListRoles reports whether s may read the roles (to pick them on a ticket, a queue or a user).
func CanListRoles(s Subject) bool {
	return s.Has(UsersManage) || s.Has(CatalogManage) || s.Has(TicketSetRoles) || s.Has(PeopleView)
}

// GrantsAll reports whether a primary role holds every permission whatever its rows say (the admin role):
// its permissions cannot be edited, and the desk must keep one enabled user holding it.
func GrantsAll(r Role) bool { return r == Admin }

// AssignPerm is the permission a user must hold to be given tickets: those who may work them.
const AssignPerm = TicketUpdate

// CanBeAssigned reports whether a user may be given tickets (a disabled one or one without a login never).
func CanBeAssigned(s Subject) bool { return s.Has(AssignPerm) }

// CanSuperviseQueues reports whether a user may be named a queue's supervisor.
func CanSuperviseQueues(s Subject) bool { return s.Has(TicketViewQueue) }

func containsID(sorted []int64, id int64) bool {
	i := sort.Search(len(sorted), func(i int) bool { return sorted[i] >= id })
	return i < len(sorted) && sorted[i] == id
}

func intersectIDs(a, b []int64) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// SortIDs sorts ids ascending and drops duplicates, the form visibility fields hold them in.
func SortIDs(ids []int64) []int64 {
	out := append([]int64(nil), ids...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	w := 0
	for i, x := range out {
		if i == 0 || x != out[w-1] {
			out[w] = x
			w++
		}
	}
	return out[:w]
}

// CanTransition reports whether s may take a workflow transition limited to some roles and permissions:
// it needs ticket.move, and then, when the transition names roles or permissions, one of those roles or
// one of those permissions; the admin always may.
func CanTransition(s Subject, roleIDs []int64, perms []Perm) bool {
	if !s.Has(TicketMove) {
		return false
	}
	if GrantsAll(s.Role) || (len(roleIDs) == 0 && len(perms) == 0) {
		return true
	}
	for _, r := range roleIDs {
		if containsID(s.RoleIDs, r) {
			return true
		}
	}
	for _, p := range perms {
		if s.Has(p) {
			return true
		}
	}
	return false
}

// CanSeeWorkflows reports whether s may read the workflows and their versions (those who work tickets
// and those who manage the catalogs).
func CanSeeWorkflows(s Subject) bool { return s.Has(TicketCommentInternal) || s.Has(CatalogManage) }

// CanSeeWorkflowMetrics reports whether s may see a workflow's blueprint metrics: counts over every
// ticket of the workflow, for those who see all tickets or manage the catalogs.
func CanSeeWorkflowMetrics(s Subject) bool { return s.Has(TicketViewAll) || s.Has(CatalogManage) }

// CanRequestCredit reports whether s may ask for a credit study: a consultant for themselves (those who
// see their network), or staff who open tickets for others, for any person.
func CanRequestCredit(s Subject) bool {
	return s.Has(TicketCreate) && (s.Has(TicketViewNetwork) || s.Has(TicketCreateFor))
}

// CanManageSLA reports whether s may change SLA policies and business-hours calendars.
func CanManageSLA(s Subject) bool { return s.Has(SLAManage) }

// CanSeeSLAPolicies reports whether s may read SLA policies and calendars: those who work tickets (to
// explain a clock) and those who manage them.
func CanSeeSLAPolicies(s Subject) bool { return s.Has(TicketCommentInternal) || s.Has(SLAManage) }

// CanSeeSLACounts reports whether s may see the SLA widget's counts (over the tickets s may see).
func CanSeeSLACounts(s Subject) bool { return s.Has(WidgetSLA) }

// CountsFirstResponse reports whether a public reply by s on a ticket with these visibility fields meets
// its first-response clock: a reply by staff (who may write internal notes) other than the requester.
func CountsFirstResponse(s Subject, v TicketVis) bool {
	return s.UserID != 0 && s.Has(TicketCommentInternal) && v.RequesterID != s.UserID
}
