package access

// CanWatchTicket reports whether s may watch a ticket, and so receive its mails: exactly when s may see it.
func CanWatchTicket(s Subject, v TicketVis) bool { return CanSeeTicket(s, v) }

// CanSetWatcher reports whether s, who sees the ticket, may add or remove userID as its watcher: oneself
// always, another user only with the right to assign tickets.
func CanSetWatcher(s Subject, v TicketVis, userID int64) bool {
	if !CanSeeTicket(s, v) {
		return false
	}
	return userID == s.UserID || s.Has(TicketAssign)
}

// CanManageMail reports whether s may edit the mail templates and read the mail log.
func CanManageMail(s Subject) bool { return s.Has(MailManage) }
