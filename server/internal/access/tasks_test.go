package access_test

import (
	"testing"

	"github.com/atiende/atiende/server/internal/access"
)

// TestTaskRulesTable holds who may do what with the tasks and information requests of a ticket as one
// table. The ticket is requested by the customer (user 1), in queue 1, seen by customer service (role 10).
func TestTaskRulesTable(t *testing.T) {
	t.Parallel()
	vis := access.TicketVis{RequesterID: 1, QueueID: 1, AllowedRoles: []int64{10}, Network: []int64{2}}
	who := func(uid int64, r access.Role, roleIDs ...int64) access.Subject {
		return access.Subject{UserID: uid, Role: r, Perms: access.Defaults(r), RoleIDs: roleIDs}
	}
	readOnly := who(8, access.Agent, 10)
	readOnly.Perms = access.PermSet(0).With(access.TicketViewByRole, access.TicketCommentInternal)
	type actor struct {
		name     string
		subj     access.Subject
		assignee bool // the task's assignee, and the request's in-app recipient
	}
	actors := []actor{
		{"requesting customer", who(1, access.Customer), false},
		{"consultant of the network", who(2, access.Consultant), false},
		{"agent of the allowed role", who(3, access.Agent, 10), false},
		{"agent of another role", who(4, access.Agent, 11), false},
		{"agent of another role, assignee", who(4, access.Agent, 11), true},
		{"customer assignee", who(5, access.Customer), true},
		{"reader without ticket.update", readOnly, false},
		{"admin", who(7, access.Admin), false},
		{"signed out", access.Subject{}, true},
	}
	rules := map[string]func(a actor) bool{
		"see tasks":  func(a actor) bool { return access.CanSeeTasks(a.subj, vis) },
		"edit tasks": func(a actor) bool { return access.CanEditTasks(a.subj, vis) },
		"see task": func(a actor) bool {
			return access.CanSeeTask(a.subj, vis, access.TaskVis{AssigneeID: assigneeOf(a.subj, a.assignee)})
		},
		"work task": func(a actor) bool {
			return access.CanWorkTask(a.subj, vis, access.TaskVis{AssigneeID: assigneeOf(a.subj, a.assignee)})
		},
		"see requests": func(a actor) bool { return access.CanSeeInfoRequests(a.subj, vis) },
		"request info": func(a actor) bool { return access.CanRequestInfo(a.subj, vis) },
		"answer request": func(a actor) bool {
			return access.CanAnswerInfoRequest(a.subj, assigneeOf(a.subj, a.assignee))
		},
	}
	staffRead := []string{"agent of the allowed role", "reader without ticket.update", "admin"}
	staffEdit := []string{"agent of the allowed role", "admin"}
	assignees := []string{"agent of another role, assignee", "customer assignee"}
	want := map[string][]string{
		"see tasks":      staffRead,
		"edit tasks":     staffEdit,
		"see task":       append(append([]string{}, staffRead...), assignees...),
		"work task":      append(append([]string{}, staffEdit...), assignees...),
		"see requests":   staffRead,
		"request info":   staffEdit,
		"answer request": assignees,
	}
	for rule, f := range rules {
		allowed := map[string]bool{}
		for _, n := range want[rule] {
			allowed[n] = true
		}
		for _, a := range actors {
			if got := f(a); got != allowed[a.name] {
				t.Errorf("%s / %s: got %v, want %v", rule, a.name, got, allowed[a.name])
			}
		}
	}
}

// assigneeOf is the assignee id of a task given to s (when assigned), else someone else's.
func assigneeOf(s access.Subject, assigned bool) int64 {
	if assigned {
		return s.UserID
	}
	return 99
}
