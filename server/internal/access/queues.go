package access

// QueueOp is an operation on a ticket's place in the queues (POST /tickets/{id}/queue-ops).
type QueueOp string

// The queue operations.
const (
	QueueAccept   QueueOp = "accept"   // take a ticket of the queue: assignee = me
	QueueDispatch QueueOp = "dispatch" // hand my ticket to a queue
	QueueReject   QueueOp = "reject"   // send a ticket out of its queue, back to its creator
	QueueTransfer QueueOp = "transfer" // move a ticket to another queue
	QueueAssign   QueueOp = "assign"   // give a ticket of the queue to someone
	QueueYank     QueueOp = "yank"     // take a ticket away from its assignee; it stays in its queue
	QueueEscalate QueueOp = "escalate" // move a ticket to the next higher level
)

// QueueOps lists the queue operations.
var QueueOps = []QueueOp{QueueAccept, QueueDispatch, QueueReject, QueueTransfer, QueueAssign, QueueYank, QueueEscalate}

// QueueRole is how a subject stands towards a ticket's current queue.
type QueueRole struct {
	Member     bool // one of the queue's members (who take its tickets)
	Supervisor bool // supervises the queue (SupervisesQueue)
}

// SupervisesQueue reports whether s supervises a queue: named its supervisor with a role that may
// supervise queues, or the admin, who supervises every queue.
func SupervisesQueue(s Subject, queueID int64) bool {
	if s.UserID == 0 {
		return false
	}
	if GrantsAll(s.Role) {
		return true
	}
	return queueID != 0 && CanSuperviseQueues(s) && containsID(s.Queues, queueID)
}

// CanQueueOp reports whether s may do a queue operation on a ticket s sees, given how s stands towards
// the ticket's current queue and whether s is its assignee. Only those who work tickets may (a customer
// or a consultant never); then: accept for the queue's members and supervisors; dispatch for the
// assignee; reject and escalate for the queue's members and supervisors and the assignee; transfer for
// the queue's members and supervisors; assign and yank for the queue's supervisors. The admin always may.
func CanQueueOp(s Subject, op QueueOp, q QueueRole, isAssignee bool) bool {
	if s.UserID == 0 || !CanBeAssigned(s) {
		return false
	}
	admin := GrantsAll(s.Role)
	switch op {
	case QueueAccept, QueueTransfer:
		return admin || q.Member || q.Supervisor
	case QueueDispatch:
		return admin || isAssignee
	case QueueReject, QueueEscalate:
		return admin || q.Member || q.Supervisor || isAssignee
	case QueueAssign, QueueYank:
		return admin || q.Supervisor
	}
	return false
}
