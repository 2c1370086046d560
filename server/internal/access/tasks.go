package access

// Tasks and information requests are internal staff work on a ticket: customers and consultants, who
// may see a ticket they requested or one of their network's, never see its tasks nor its information
// requests. The one exception is a task's assignee (any user may be given a task) or a request's
// in-app recipient: they see that one task or request, without seeing the ticket.

// TaskVis is what deciding on one task needs beyond its ticket.
type TaskVis struct {
	AssigneeID int64 // 0 when nobody is assigned
}

// CanSeeTasks reports whether s may list and read the tasks of a ticket with these visibility fields:
// those who see the ticket and work tickets (who read internal notes).
func CanSeeTasks(s Subject, v TicketVis) bool {
	return CanSeeTicket(s, v) && CanSeeInternal(s)
}

// CanEditTasks reports whether s may create, change and delete the tasks of a ticket: those who see
// its tasks and may change tickets.
func CanEditTasks(s Subject, v TicketVis) bool {
	return CanSeeTasks(s, v) && s.Has(TicketUpdate)
}

// CanSeeTask reports whether s may see one task, its comments and its files: those who see the
// ticket's tasks, and the task's assignee even when they may not see the ticket.
func CanSeeTask(s Subject, v TicketVis, t TaskVis) bool {
	if s.UserID == 0 {
		return false
	}
	return CanSeeTasks(s, v) || t.AssigneeID == s.UserID
}

// CanWorkTask reports whether s may mark a task done or open again, comment on it and attach files to
// it: its editors and its assignee.
func CanWorkTask(s Subject, v TicketVis, t TaskVis) bool {
	if s.UserID == 0 {
		return false
	}
	return CanEditTasks(s, v) || t.AssigneeID == s.UserID
}

// CanSeeInfoRequests reports whether s may read a ticket's information requests and their files.
func CanSeeInfoRequests(s Subject, v TicketVis) bool { return CanSeeTasks(s, v) }

// CanRequestInfo reports whether s may ask for information on a ticket and then accept, return or
// revoke those requests: those who see the ticket's requests and may change tickets.
func CanRequestInfo(s Subject, v TicketVis) bool { return CanEditTasks(s, v) }

// CanAnswerInfoRequest reports whether s is the in-app recipient of a request (toUserID), who reads it
// and answers it in the app without seeing its ticket.
func CanAnswerInfoRequest(s Subject, toUserID int64) bool {
	return s.UserID != 0 && toUserID == s.UserID
}
