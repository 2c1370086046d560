package access

import "github.com/atiende/atiende/server/internal/i18n"

// WebFormSubject is whom the public web form acts as: the visitor, as the person their email names
// (found or created without a login), holding only the right to open a ticket for themselves. The
// visitor never acts with the rights that person's own account may hold, and no other user is
// borrowed: what the form writes is the requester's own doing, and the ticket's history says so.
func WebFormSubject(personID int64, name, email string, locale i18n.Locale) Subject {
	return Subject{UserID: personID, Name: name, Email: email, Role: Customer, Perms: PermSet(0).With(TicketCreate),
		Locale: locale, Visitor: true}
}

// TrackingSubject is whom a ticket's tracking link acts as: the person it was sent to, with no
// permission beyond what every requester has on their own ticket (seeing it, its public conversation
// and public files, and replying in public). While the person is no longer the ticket's requester the
// link opens nothing.
func TrackingSubject(personID int64, name, email string, locale i18n.Locale) Subject {
	return Subject{UserID: personID, Name: name, Email: email, Role: Customer, Locale: locale}
}

// CanManageTrackingLinks reports whether s may list a ticket's tracking links, send a new one and
// revoke them: staff (those who read internal notes) who may edit the ticket. A requester who may edit
// their own ticket does not manage the links sent to them.
func CanManageTrackingLinks(s Subject, v TicketVis) bool {
	return CanSeeInternal(s) && CanEditTicket(s, v)
}
