package access_test

import (
	"testing"

	"github.com/atiende/atiende/server/internal/access"
)

// TestCanQueueOpTable holds the queue operations' permission rule as one table: who may do each
// operation on a ticket in queue 1.
func TestCanQueueOpTable(t *testing.T) {
	t.Parallel()
	const queue = 1
	who := func(uid int64, r access.Role, supervises ...int64) access.Subject {
		return access.Subject{UserID: uid, Role: r, Perms: access.Defaults(r), Queues: supervises}
	}
	type actor struct {
		name     string
		subj     access.Subject
		member   bool
		assignee bool
	}
	actors := []actor{
		{"customer", who(1, access.Customer), false, false},
		{"consultant", who(2, access.Consultant), false, false},
		{"customer named member", who(1, access.Customer), true, true}, // cannot work tickets whatever the data says
		{"agent member", who(3, access.Agent), true, false},
		{"agent non-member", who(4, access.Agent), false, false},
		{"agent non-member assignee", who(4, access.Agent), false, true},
		{"supervisor of the queue", who(5, access.Supervisor, queue), false, false},
		{"supervisor of another queue", who(6, access.Supervisor, 2), false, false},
		{"admin", who(7, access.Admin), false, false},
		{"signed out", access.Subject{}, true, true},
	}
	// want[op] lists the actors allowed, by name.
	want := map[access.QueueOp][]string{
		access.QueueAccept:   {"agent member", "supervisor of the queue", "admin"},
		access.QueueDispatch: {"agent non-member assignee", "admin"},
		access.QueueReject:   {"agent member", "agent non-member assignee", "supervisor of the queue", "admin"},
		access.QueueTransfer: {"agent member", "supervisor of the queue", "admin"},
		access.QueueAssign:   {"supervisor of the queue", "admin"},
		access.QueueYank:     {"supervisor of the queue", "admin"},
		access.QueueEscalate: {"agent member", "agent non-member assignee", "supervisor of the queue", "admin"},
	}
	if len(want) != len(access.QueueOps) {
		t.Fatalf("the table covers %d operations, there are %d", len(want), len(access.QueueOps))
	}
	for _, op := range access.QueueOps {
		allowed := map[string]bool{}
		for _, n := range want[op] {
			allowed[n] = true
		}
		for _, a := range actors {
			role := access.QueueRole{Member: a.member, Supervisor: access.SupervisesQueue(a.subj, queue)}
			if got := access.CanQueueOp(a.subj, op, role, a.assignee); got != allowed[a.name] {
				t.Errorf("%s by %s: allowed %v, want %v", op, a.name, got, allowed[a.name])
			}
		}
	}
	for _, a := range actors {
		if access.CanQueueOp(a.subj, "nonsense", access.QueueRole{Member: true, Supervisor: true}, true) {
			t.Errorf("an unknown operation is refused, even to %s", a.name)
		}
	}
}

func TestSupervisesQueue(t *testing.T) {
	t.Parallel()
	sup := access.Subject{UserID: 5, Role: access.Supervisor, Perms: access.Defaults(access.Supervisor), Queues: []int64{1, 3}}
	if !access.SupervisesQueue(sup, 3) || access.SupervisesQueue(sup, 2) || access.SupervisesQueue(sup, 0) {
		t.Error("a supervisor supervises exactly their queues")
	}
	// An agent named supervisor in the data without a role that may supervise does not.
	ag := access.Subject{UserID: 3, Role: access.Agent, Perms: access.Defaults(access.Agent), Queues: []int64{1}}
	if access.SupervisesQueue(ag, 1) {
		t.Error("an agent without ticket.view_queue does not supervise")
	}
	if !access.SupervisesQueue(access.Subject{UserID: 7, Role: access.Admin}, 9) {
		t.Error("the admin supervises every queue")
	}
}
