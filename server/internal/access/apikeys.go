package access

// API keys: a bot or another system acts through a key that the admin creates with scopes. A key's
// subject is its own service user holding only what its scopes grant, never a role's permissions.

// The scopes a key may hold.
const (
	ScopeTicketsCreate  = "tickets.create"
	ScopeTicketsComment = "tickets.comment"
)

// KeyScopes lists every scope, in the order the admin shows them.
var KeyScopes = []string{ScopeTicketsCreate, ScopeTicketsComment}

// ValidKeyScope reports whether scope is one a key may hold.
func ValidKeyScope(scope string) bool {
	for _, s := range KeyScopes {
		if s == scope {
			return true
		}
	}
	return false
}

// KeyGrant is what an API key may do, carried by the subject of a request authenticated with it.
type KeyGrant struct {
	KeyID   int64
	Create  bool // tickets.create
	Comment bool // tickets.comment
}

// KeySubject is the subject of a request made with an API key: the key's service user, whose
// permissions come from the key's scopes alone. tickets.create lets it open tickets for any requester
// (named by id, or by name and email: found, else created as a customer), as staff creating on a
// customer's behalf do; tickets.comment lets it add public messages. It never sees internal notes.
func KeySubject(keyID, userID int64, name string, scopes []string) Subject {
	g := &KeyGrant{KeyID: keyID}
	var perms PermSet
	for _, s := range scopes {
		switch s {
		case ScopeTicketsCreate:
			g.Create = true
			perms = perms.With(TicketCreate, TicketCreateFor)
		case ScopeTicketsComment:
			g.Comment = true
		}
	}
	return Subject{UserID: userID, Name: name, Perms: perms, Key: g}
}

// CanRelayForRequester reports whether s may write a public message as the words of a ticket's
// requester: only a key that comments (a bot relaying the customer's chat messages from its channel).
// Staff always answer as themselves.
func CanRelayForRequester(s Subject) bool { return s.Key != nil && s.Key.Comment }

// keySeesTicket is the visibility rule of an API key: it sees exactly the tickets it created. A bot
// follows up on the conversations it opened; it has no business reading or writing on any other ticket,
// and a leaked key reveals nothing else.
func keySeesTicket(s Subject, v TicketVis) bool {
	return s.UserID != 0 && v.CreatedBy == s.UserID
}

// keyMayComment: a key with tickets.comment adds public messages to the tickets it sees (those it
// created), never internal notes.
func keyMayComment(s Subject, v TicketVis, public bool) bool {
	return s.Key.Comment && public && keySeesTicket(s, v)
}

// KeyRoute is an API route a key may call.
type KeyRoute int

// The routes open to keys; every other route refuses a key.
const (
	KeyRouteNone         KeyRoute = iota // any other route
	KeyRouteCreateTicket                 // POST /tickets
	KeyRouteAddComment                   // POST /tickets/{id}/comments
	KeyRouteReadTicket                   // GET /tickets/{id}
)

// KeyMayCall reports whether a key may call a route at all (the ticket itself is then decided by the
// key's visibility rule): creating needs tickets.create, commenting tickets.comment, and reading a
// ticket it created either scope.
func KeyMayCall(g *KeyGrant, r KeyRoute) bool {
	if g == nil {
		return false
	}
	switch r {
	case KeyRouteCreateTicket:
		return g.Create
	case KeyRouteAddComment:
		return g.Comment
	case KeyRouteReadTicket:
		return g.Create || g.Comment
	}
	return false
}

// CanManageAPIKeys reports whether s may create, list and revoke API keys. A key never manages keys.
func CanManageAPIKeys(s Subject) bool { return s.Key == nil && s.Has(APIKeysManage) }
