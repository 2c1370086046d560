package reports

import (
	"cmp"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/queue"
	"github.com/atiende/atiende/server/internal/reports/sheet"
	"github.com/atiende/atiende/server/internal/tickets"
)

// changeWords says the fields and values of history rows in words for a file, as the ticket page's
// history tab does on screen (frontend/src/features/tickets/history.ts): catalog entries by their name
// in the subject's language, people and roles by name, times in the file's zone. What it does not know
// how to say stays as its stored text.
type changeWords struct {
	l      i18n.Locale
	loc    *time.Location
	label  func(kind string, id *int64) string
	people map[int64]string
	// roles is nil when the subject may not list the roles: their ids show as #id, as on the ticket page.
	roles map[int64]string
}

// catalogKinds are the history fields whose values are catalog ids, with the catalog that names them.
var catalogKinds = map[string]string{"status_id": "status", "priority_id": "priority", "category_id": "category",
	"subcategory_id": "category", "channel_id": "channel", "queue_id": "queue"}

// namedBy is the member that names the value of these history fields: the new ticket's subject, the
// file's name, the rule's name.
var namedBy = map[string]string{"created": "subject", "attachment": "filename", "rule": "name"}

// changeWords reads what naming the values takes: the catalogs and, for those who may list them, the
// roles. People are added page by page (addPeople).
func (s *Service) changeWords(ctx context.Context, subj access.Subject, loc *time.Location) (*changeWords, error) {
	cats, err := s.Catalog.All(ctx, subj)
	if err != nil {
		return nil, err
	}
	w := &changeWords{l: subj.Locale, loc: loc, label: tickets.CatalogLabels(cats, subj.Locale), people: map[int64]string{}}
	if access.CanListRoles(subj) {
		roles, err := s.Accounts.Roles(ctx, subj)
		if err != nil {
			return nil, err
		}
		w.roles = make(map[int64]string, len(roles))
		for _, r := range roles {
			w.roles[r.ID] = r.NameES
			if subj.Locale == i18n.EN {
				w.roles[r.ID] = r.NameEN
			}
		}
	}
	return w, nil
}

func (w *changeWords) addPeople(refs []people.Ref) {
	for _, p := range refs {
		w.people[p.ID] = p.Name
	}
}

// known is the message prefix+key in the subject's language, or key when there is none (a history
// field, queue operation or mode added since).
func (w *changeWords) known(prefix, key string) string {
	if i18n.Has(prefix + key) {
		return i18n.T(w.l, prefix+key, nil)
	}
	return key
}

// field is a history field's label.
func (w *changeWords) field(f string) string { return w.known("report.field.", f) }

// orID is a name, or #id when there is none.
func orID(name string, id int64) string {
	if name == "" {
		return "#" + strconv.FormatInt(id, 10)
	}
	return name
}

// value says a before (after false) or after value of a field.
func (w *changeWords) value(field string, raw json.RawMessage, after bool) string {
	if len(raw) == 0 || string(raw) == "null" {
		switch {
		case field == "assignee_id":
			return i18n.T(w.l, "report.unassigned", nil)
		case field == "link" && after:
			return i18n.T(w.l, "report.removed", nil)
		}
		return ""
	}
	var id int64
	if kind, ok := catalogKinds[field]; ok && json.Unmarshal(raw, &id) == nil {
		return orID(w.label(kind, &id), id)
	}
	if tickets.IsPersonField(field) && json.Unmarshal(raw, &id) == nil {
		return orID(w.people[id], id)
	}
	if s, ok := w.structured(field, raw); ok {
		return s
	}
	return jsonText(raw)
}

// structured says the values that are lists or objects; false when it cannot read one.
func (w *changeWords) structured(field string, raw json.RawMessage) (string, bool) {
	switch field {
	case "allowed_roles":
		var ids []int64
		if json.Unmarshal(raw, &ids) != nil {
			return "", false
		}
		names := make([]string, len(ids))
		for i, id := range ids {
			names[i] = orID(w.roles[id], id)
		}
		return strings.Join(names, ", "), true
	case "tags":
		var tags []string
		err := json.Unmarshal(raw, &tags)
		return strings.Join(tags, ", "), err == nil
	case "due_at":
		var at time.Time
		err := json.Unmarshal(raw, &at)
		return at.In(w.loc).Format(sheet.TimeLayout), err == nil
	case "created", "attachment", "rule":
		var v map[string]any
		err := json.Unmarshal(raw, &v)
		s, _ := v[namedBy[field]].(string)
		return s, err == nil && s != ""
	case "link", "merged_into", "merged_from":
		var v struct {
			Number int64  `json:"number"`
			Kind   string `json:"kind"`
		}
		if json.Unmarshal(raw, &v) != nil || v.Number == 0 {
			return "", false
		}
		s := "#" + strconv.FormatInt(v.Number, 10)
		if v.Kind != "" {
			s += " (" + w.known("report.link.", v.Kind) + ")"
		}
		return s, true
	case "transition":
		var v struct {
			Key    string `json:"key"`
			NameES string `json:"name_es"`
			NameEN string `json:"name_en"`
		}
		if json.Unmarshal(raw, &v) != nil {
			return "", false
		}
		name := v.NameES
		if w.l == i18n.EN {
			name = v.NameEN
		}
		return cmp.Or(name, v.Key), true
	case "queue_op":
		return w.queueOp(raw)
	case "task", "info_request", "tracking_link", "state_limit":
		return w.event(field, raw)
	case "sla":
		return w.sla(raw)
	case "action":
		var v struct {
			Action string `json:"action"`
			Amount any    `json:"amount"`
		}
		if json.Unmarshal(raw, &v) != nil || v.Action == "" {
			return "", false
		}
		s := w.known("report.action.", v.Action)
		switch a := v.Amount.(type) {
		case map[string]any:
			if n, ok := a["amount"].(string); ok {
				c, _ := a["currency"].(string)
				s += ": " + strings.TrimSpace(n+" "+c)
			}
		case string:
			s += ": " + a
		}
		return s, true
	}
	return "", false
}

// sla says an SLA history value ({event, clock, reason, status_id, due_at}) as a sentence, as the ticket's
// history tab does: "Reloj de Resolución en pausa: estado En espera, vence el 2026-03-05 10:00".
func (w *changeWords) sla(raw json.RawMessage) (string, bool) {
	var v struct {
		Event    string     `json:"event"`
		Clock    string     `json:"clock"`
		Reason   string     `json:"reason"`
		StatusID *int64     `json:"status_id"`
		DueAt    *time.Time `json:"due_at"`
	}
	if json.Unmarshal(raw, &v) != nil || v.Event == "" {
		return "", false
	}
	var text string
	switch {
	case !i18n.Has("report.sla.event." + v.Event):
		text = v.Event
	case i18n.Has("report.sla.clock." + v.Clock):
		text = i18n.T(w.l, "report.sla.clock_event."+v.Event, map[string]any{"clock": i18n.T(w.l, "report.sla.clock."+v.Clock, nil)})
	default:
		text = i18n.T(w.l, "report.sla.event."+v.Event, nil)
	}
	if v.Reason != "" {
		reason := strings.ReplaceAll(v.Reason, "_", " ")
		switch {
		case v.Reason == "status_paused" && v.StatusID != nil:
			reason = i18n.T(w.l, "report.sla.reason.status_paused_by", map[string]any{"status": orID(w.label("status", v.StatusID), *v.StatusID)})
		case i18n.Has("report.sla.reason." + v.Reason):
			reason = i18n.T(w.l, "report.sla.reason."+v.Reason, nil)
		}
		text += ": " + reason
	}
	if v.DueAt != nil {
		text += ", " + i18n.T(w.l, "report.sla.due", map[string]any{"time": v.DueAt.In(w.loc).Format(sheet.TimeLayout)})
	}
	return text, true
}

// event says a step of a ticket's task, information request or tracking link, or a time limit in a
// status that passed, as the ticket's history tab does.
func (w *changeWords) event(field string, raw json.RawMessage) (string, bool) {
	var v struct {
		Event        string     `json:"event"`
		Title        string     `json:"title"`
		AssigneeID   *int64     `json:"assignee_id"`
		Round        int        `json:"round"`
		ToUserID     *int64     `json:"to_user_id"`
		ToName       string     `json:"to_name"`
		ToEmail      string     `json:"to_email"`
		Message      string     `json:"message"`
		Files        []string   `json:"files"`
		Email        string     `json:"email"`
		ExpiresAt    *time.Time `json:"expires_at"`
		StatusID     int64      `json:"status_id"`
		LimitMinutes int        `json:"limit_minutes"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	if field == "state_limit" {
		if v.StatusID == 0 {
			return "", false
		}
		return i18n.T(w.l, "report.state_limit", map[string]any{"minutes": v.LimitMinutes,
			"status": orID(w.label("status", &v.StatusID), v.StatusID)}), true
	}
	if v.Event == "" {
		return "", false
	}
	parts := []string{w.known("report."+field+".", v.Event)}
	switch field {
	case "task":
		parts = append(parts, v.Title)
		if v.AssigneeID != nil {
			parts = append(parts, orID(w.people[*v.AssigneeID], *v.AssigneeID))
		}
	case "info_request":
		switch {
		case v.ToUserID != nil:
			parts = append(parts, orID(w.people[*v.ToUserID], *v.ToUserID))
		case v.ToName != "" && v.ToEmail != "":
			parts = append(parts, v.ToName+" <"+v.ToEmail+">")
		case v.ToEmail != "":
			parts = append(parts, v.ToEmail)
		}
		if v.Round > 1 {
			parts = append(parts, i18n.T(w.l, "report.round", map[string]any{"n": v.Round}))
		}
		if v.Message != "" {
			parts = append(parts, "“"+v.Message+"”")
		}
		if len(v.Files) > 0 {
			parts = append(parts, strings.Join(v.Files, ", "))
		}
	case "tracking_link":
		parts = append(parts, v.Email)
		if v.ExpiresAt != nil {
			parts = append(parts, i18n.T(w.l, "report.expires", map[string]any{"at": v.ExpiresAt.In(w.loc).Format(sheet.TimeLayout)}))
		}
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · "), true
}

// queueOp says a queue operation: the operation, then its queue, person, mode and reason.
func (w *changeWords) queueOp(raw json.RawMessage) (string, bool) {
	var v queue.OpRecord
	if json.Unmarshal(raw, &v) != nil || v.Op == "" {
		return "", false
	}
	parts := []string{w.known("report.queue_op.", v.Op)}
	if v.QueueID != nil {
		parts = append(parts, orID(w.label("queue", v.QueueID), *v.QueueID))
	}
	if v.AssigneeID != nil {
		parts = append(parts, orID(w.people[*v.AssigneeID], *v.AssigneeID))
	}
	if v.Mode != "" {
		parts = append(parts, w.known("report.queue_mode.", v.Mode))
	}
	if v.Reason != "" {
		parts = append(parts, "“"+v.Reason+"”")
	}
	return strings.Join(parts, " · "), true
}
