package access

import "sort"

// Perm is a permission: one of a fixed list the code defines, granted to roles in the admin. The admin
// role holds every permission whatever its rows say.
type Perm uint8

// The permissions.
const (
	TicketCreate          Perm = iota // open tickets (for oneself)
	TicketCreateFor                   // open tickets for any requester and set their workflow fields
	TicketViewAll                     // see every ticket
	TicketViewNetwork                 // see the tickets of one's downline network (consultants)
	TicketViewByRole                  // see the tickets whose allowed roles include one of one's roles
	TicketViewQueue                   // see every ticket of the queues one supervises
	TicketUpdate                      // change a ticket's subject, description, typification and people
	TicketAssign                      // change a ticket's assignee and queue
	TicketMove                        // change a ticket's status and place on the board
	TicketSetRoles                    // change a ticket's allowed roles
	TicketMerge                       // merge duplicates
	TicketCommentInternal             // read and write internal notes, see colleagues' presence
	TicketExport                      // export the tickets one sees
	CannedUse                         // fill canned responses into replies
	PeopleView                        // look people up, see their profile, contacts and genealogy
	PeopleManage                      // register and edit persons, their contacts and sponsor
	UsersManage                       // invite users, change their roles, disable them; edit roles
	CatalogManage                     // change the configurable catalogs
	KBManage                          // change the knowledge base and its categories
	WidgetIssueType
	WidgetStatus
	WidgetQueue
	WidgetPriority
	WidgetSLA
	WidgetAgentLoad
	WidgetResponseTimes
	WidgetCreatedResolved
	WidgetTopTypifications
	WidgetBacklogAge
	ReportPivot
	ReportHistory
	SLAManage     // edit SLA policies and business-hours calendars
	MailManage    // edit email templates, read the mail log
	APIKeysManage // create, list and revoke API keys for bots and other systems
	permCount
)

var permKeys = [permCount]string{
	TicketCreate:           "ticket.create",
	TicketCreateFor:        "ticket.create_for",
	TicketViewAll:          "ticket.view_all",
	TicketViewNetwork:      "ticket.view_network",
	TicketViewByRole:       "ticket.view_by_role",
	TicketViewQueue:        "ticket.view_queue",
	TicketUpdate:           "ticket.update",
	TicketAssign:           "ticket.assign",
	TicketMove:             "ticket.move",
	TicketSetRoles:         "ticket.set_roles",
	TicketMerge:            "ticket.merge",
	TicketCommentInternal:  "ticket.comment_internal",
	TicketExport:           "ticket.export",
	CannedUse:              "canned.use",
	PeopleView:             "people.view",
	PeopleManage:           "people.manage",
	UsersManage:            "users.manage",
	CatalogManage:          "catalog.manage",
	KBManage:               "kb.manage",
	WidgetIssueType:        "widget.issue_type",
	WidgetStatus:           "widget.status",
	WidgetQueue:            "widget.queue",
	WidgetPriority:         "widget.priority",
	WidgetSLA:              "widget.sla",
	WidgetAgentLoad:        "widget.agent_load",
	WidgetResponseTimes:    "widget.response_times",
	WidgetCreatedResolved:  "widget.created_resolved",
	WidgetTopTypifications: "widget.top_typifications",
	WidgetBacklogAge:       "widget.backlog_age",
	ReportPivot:            "report.pivot",
	ReportHistory:          "report.history",
	SLAManage:              "sla.manage",
	MailManage:             "mail.manage",
	APIKeysManage:          "apikeys.manage",
}

// Key is the permission's stable name, as stored and as the API shows it.
func (p Perm) Key() string {
	if p >= permCount {
		return ""
	}
	return permKeys[p]
}

// AllPerms lists every permission in a stable order (the admin's grid shows them so).
func AllPerms() []Perm {
	out := make([]Perm, permCount)
	for i := range out {
		out[i] = Perm(i)
	}
	return out
}

// ParsePerm returns the permission with a key.
func ParsePerm(key string) (Perm, bool) {
	for i, k := range permKeys {
		if k == key {
			return Perm(i), true
		}
	}
	return 0, false
}

// PermSet is a set of permissions.
type PermSet uint64

// Has reports whether p is in the set.
func (ps PermSet) Has(p Perm) bool { return p < permCount && ps&(1<<p) != 0 }

// With returns the set with p added.
func (ps PermSet) With(p ...Perm) PermSet {
	for _, x := range p {
		ps |= 1 << x
	}
	return ps
}

// Keys lists the set's permission keys, sorted.
func (ps PermSet) Keys() []string {
	out := []string{}
	for _, p := range AllPerms() {
		if ps.Has(p) {
			out = append(out, p.Key())
		}
	}
	sort.Strings(out)
	return out
}

// PermSetOf is the set of the permissions named by keys; unknown keys (a permission a newer version
// dropped) are ignored.
func PermSetOf(keys []string) PermSet {
	var ps PermSet
	for _, k := range keys {
		if p, ok := ParsePerm(k); ok {
			ps = ps.With(p)
		}
	}
	return ps
}

// AllPermSet holds every permission.
func AllPermSet() PermSet { return PermSet(1<<permCount - 1) }

// widgets lists the widget permissions the agent role starts with.
var agentWidgets = []Perm{WidgetIssueType, WidgetStatus, WidgetQueue, WidgetPriority, WidgetSLA}

// Defaults is what a built-in role holds on a new install (the migration writes the same rows; a test
// compares them). Admins change them in the admin, except the admin role's.
func Defaults(r Role) PermSet {
	switch r {
	case Admin:
		return AllPermSet()
	case Supervisor:
		var ps PermSet
		ps = ps.With(TicketCreate, TicketCreateFor, TicketViewByRole, TicketViewQueue, TicketUpdate, TicketAssign,
			TicketMove, TicketSetRoles, TicketMerge, TicketCommentInternal, TicketExport, CannedUse, PeopleView,
			PeopleManage)
		for p := WidgetIssueType; p <= ReportHistory; p++ {
			ps = ps.With(p)
		}
		return ps
	case Agent:
		return PermSet(0).With(TicketCreate, TicketCreateFor, TicketViewByRole, TicketUpdate, TicketAssign, TicketMove,
			TicketMerge, TicketCommentInternal, TicketExport, CannedUse, PeopleView, PeopleManage).With(agentWidgets...)
	case Consultant:
		return PermSet(0).With(TicketCreate, TicketViewNetwork)
	case Customer:
		return PermSet(0).With(TicketCreate)
	}
	return 0
}
