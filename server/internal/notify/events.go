package notify

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/tickets"
)

// Who a ticket mail may go to.
const (
	roleRequester = "requester"
	roleAssignee  = "assignee"
	roleWatcher   = "watcher"
)

// candidate is a possible recipient of a ticket's mail and why.
type candidate struct {
	UserID int64
	Role   string
}

// recipientUser is what sending a user mail needs.
type recipientUser struct {
	ID       int64       `bun:"id"`
	Email    string      `bun:"email"`
	Name     string      `bun:"name"`
	Locale   i18n.Locale `bun:"locale"`
	HasLogin bool        `bun:"has_login"`
}

// ticketEvent is one thing that happened to a ticket that mails its people.
type ticketEvent struct {
	template string
	key      string
	pref     string
	// roles are the candidates this event reaches (the requester is not told of an assignment).
	roles []string
	actor int64
	// vars gives each language's event variables (change.summary, reply.text, actor.name).
	vars func(l i18n.Locale) map[string]any
	// extra are users to tell besides the ticket's requester, assignee and watchers (a previous assignee).
	extra []candidate
}

// Hook mails the ticket's people about its creation, a status change (closing: ticket_closed) or an
// assignment change; the tickets package runs it in the change's transaction.
func (s *Service) Hook(ctx context.Context, tx bun.Tx, c tickets.Change) error {
	t := c.After
	actor := c.Subject.UserID
	if c.Before == nil {
		return s.ticketMails(ctx, tx, t, ticketEvent{template: TemplateTicketCreated, key: fmt.Sprintf("ticket:%d:created", t.ID),
			pref: PrefTicketCreated, roles: []string{roleRequester, roleAssignee, roleWatcher}, actor: actor,
			vars: func(i18n.Locale) map[string]any { return map[string]any{"actor.name": c.Subject.Name} }})
	}
	b := c.Before
	if b.StatusID != t.StatusID {
		var sts []catalog.Status
		if err := tx.NewSelect().Model(&sts).Where("id IN (?)", bun.In([]int64{b.StatusID, t.StatusID})).Scan(ctx); err != nil {
			return fmt.Errorf("notify: statuses: %w", err)
		}
		byID := map[int64]*catalog.Status{}
		for i := range sts {
			byID[sts[i].ID] = &sts[i]
		}
		from, to := byID[b.StatusID], byID[t.StatusID]
		if from != nil && to != nil {
			ev := ticketEvent{template: TemplateTicketUpdated, key: fmt.Sprintf("ticket:%d:v%d:status", t.ID, t.Version),
				pref: PrefTicketStatus, roles: []string{roleRequester, roleAssignee, roleWatcher}, actor: actor,
				vars: func(l i18n.Locale) map[string]any {
					return map[string]any{"actor.name": c.Subject.Name, "change.summary": i18n.T(l, "mail.change.status",
						map[string]any{"from": from.Name(l), "to": to.Name(l)})}
				}}
			if to.Group == catalog.Done && from.Group != catalog.Done {
				ev.template, ev.pref = TemplateTicketClosed, PrefTicketClosed
			}
			if err := s.ticketMails(ctx, tx, t, ev); err != nil {
				return err
			}
		}
	}
	if !sameID(b.AssigneeID, t.AssigneeID) {
		ev := ticketEvent{template: TemplateTicketUpdated, key: fmt.Sprintf("ticket:%d:v%d:assigned", t.ID, t.Version),
			pref: PrefTicketAssigned, roles: []string{roleAssignee, roleWatcher}, actor: actor}
		if b.AssigneeID != nil {
			ev.extra = []candidate{{UserID: *b.AssigneeID, Role: roleAssignee}}
		}
		name := ""
		if t.AssigneeID != nil {
			names, err := s.People.Names(ctx, tx, []int64{*t.AssigneeID})
			if err != nil {
				return err
			}
			name = names[*t.AssigneeID]
		}
		ev.vars = func(l i18n.Locale) map[string]any {
			who := name
			if who == "" {
				who = i18n.T(l, "mail.unassigned", nil)
			}
			return map[string]any{"actor.name": c.Subject.Name, "change.summary": i18n.T(l, "mail.change.assigned", map[string]any{"name": who})}
		}
		if err := s.ticketMails(ctx, tx, t, ev); err != nil {
			return err
		}
	}
	return nil
}

func sameID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// CommentHook mails a public reply to the ticket's people other than its author. Internal notes send no
// mail at all: they are for the desk, and the desk reads them in the app.
func (s *Service) CommentHook(ctx context.Context, tx bun.Tx, subj access.Subject, t *tickets.Ticket, c *tickets.Comment) error {
	if !c.Public {
		return nil
	}
	author := subj.Name
	if c.Author != nil && c.Author.Name != "" {
		author = c.Author.Name
	}
	return s.ticketMails(ctx, tx, t, ticketEvent{template: TemplateTicketUpdated, key: fmt.Sprintf("comment:%d", c.ID),
		pref: PrefTicketReplied, roles: []string{roleRequester, roleAssignee, roleWatcher}, actor: subj.UserID,
		vars: func(l i18n.Locale) map[string]any {
			return map[string]any{"actor.name": author, "reply.text": c.Body,
				"change.summary": i18n.T(l, "mail.change.reply", map[string]any{"name": author})}
		}})
}

// ticketMails queues ev's mail for each of the ticket's people it reaches: not the actor, not a disabled
// user, not a watcher who may no longer see the ticket, and not a user who turned the event off (a
// requester without an account gets every mail about their ticket).
func (s *Service) ticketMails(ctx context.Context, tx bun.Tx, t *tickets.Ticket, ev ticketEvent) error {
	var cands []candidate
	if t.RequesterID != nil && slices.Contains(ev.roles, roleRequester) {
		cands = append(cands, candidate{*t.RequesterID, roleRequester})
	}
	if t.AssigneeID != nil && slices.Contains(ev.roles, roleAssignee) {
		cands = append(cands, candidate{*t.AssigneeID, roleAssignee})
	}
	cands = append(cands, ev.extra...)
	var watchers []int64
	if slices.Contains(ev.roles, roleWatcher) {
		if err := tx.NewSelect().Table("ticket_watchers").Column("user_id").Where("ticket_id = ?", t.ID).
			Scan(ctx, &watchers); err != nil {
			return fmt.Errorf("notify: watchers: %w", err)
		}
		for _, w := range watchers {
			cands = append(cands, candidate{w, roleWatcher})
		}
	}
	seen := map[int64]bool{ev.actor: true}
	var ids []int64
	var kept []candidate
	for _, c := range cands {
		if !seen[c.UserID] {
			seen[c.UserID] = true
			ids = append(ids, c.UserID)
			kept = append(kept, c)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var users []recipientUser
	if err := tx.NewSelect().Table("users").Column("id", "email", "name", "locale").
		ColumnExpr("password_hash <> '' AS has_login").Where("id IN (?)", bun.In(ids)).Where("disabled_at IS NULL").
		Scan(ctx, &users); err != nil {
		return fmt.Errorf("notify: recipients: %w", err)
	}
	byID := make(map[int64]*recipientUser, len(users))
	for i := range users {
		byID[users[i].ID] = &users[i]
	}
	off, err := s.disabled(ctx, tx, ids, ev.pref)
	if err != nil {
		return err
	}
	// A watcher was allowed when added; the ticket may have moved out of their sight since.
	var seeing map[int64]bool
	if len(watchers) > 0 {
		if seeing, err = s.canSee(ctx, tx, watchers, t.Vis()); err != nil {
			return err
		}
	}
	var ms []Mail
	for _, c := range kept {
		u := byID[c.UserID]
		switch {
		case u == nil || u.Email == "":
			continue
		case u.HasLogin && off[u.ID]:
			continue
		case c.Role == roleWatcher && !seeing[u.ID]:
			continue
		}
		l := lang(string(u.Locale))
		uid := u.ID
		ms = append(ms, Mail{Template: ev.template, EventKey: ev.key, TicketID: &t.ID,
			To: Recipient{UserID: &uid, Email: u.Email, Name: u.Name, Lang: string(l)}, Vars: ev.vars(l)})
	}
	return s.queueMany(ctx, tx, ms)
}
