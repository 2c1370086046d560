package notify

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/markdown"
)

// The template keys.
const (
	TemplateTicketCreated = "ticket_created"
	TemplateTicketUpdated = "ticket_updated"
	TemplateTicketClosed  = "ticket_closed"
	TemplateTaskDigest    = "task_digest"
	TemplateInfoRequest   = "info_request"
	TemplateSLAEscalation = "sla_escalation"
	// TemplateMagicLink is a customer's one-time sign-in link.
	TemplateMagicLink = "magic_link"
	// TemplateTicketTracking confirms a ticket sent through the public web form, with its tracking link.
	TemplateTicketTracking = "ticket_tracking"
)

// ticketVars are the variables of every template about a ticket, filled by notify from the ticket.
var ticketVars = []string{"ticket.number", "ticket.subject", "ticket.status", "ticket.priority", "ticket.assignee",
	"ticket.requester", "ticket.url", "recipient.name"}

// Variables is the fixed list of variables each template may use; anything else is refused on save.
var Variables = map[string][]string{
	TemplateTicketCreated:  append(slices.Clone(ticketVars), "actor.name"),
	TemplateTicketUpdated:  append(slices.Clone(ticketVars), "actor.name", "change.summary", "reply.text"),
	TemplateTicketClosed:   append(slices.Clone(ticketVars), "actor.name", "change.summary", "reply.text"),
	TemplateTaskDigest:     {"recipient.name", "tasks.count", "tasks.list", "tasks.url"},
	TemplateInfoRequest:    append(slices.Clone(ticketVars), "link", "question", "expires_at", "requester"),
	TemplateSLAEscalation:  append(slices.Clone(ticketVars), "sla.event", "sla.clock", "sla.due_at"),
	TemplateMagicLink:      {"recipient.name", "link", "expires_at"},
	TemplateTicketTracking: append(slices.Clone(ticketVars), "link", "expires_at"),
}

// TemplateKeys lists the templates in the order the admin sees them.
var TemplateKeys = []string{TemplateTicketCreated, TemplateTicketUpdated, TemplateTicketClosed, TemplateTaskDigest,
	TemplateInfoRequest, TemplateSLAEscalation, TemplateMagicLink, TemplateTicketTracking}

// urlVars are the variables that hold a link: in HTML they may stand in a link's destination.
var urlVars = map[string]bool{"ticket.url": true, "tasks.url": true, "link": true}

// variable is {{ name }}, white space inside the braces tolerated.
var variable = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}`)

// unknownVariables lists, sorted and once each, the variables of texts that template key does not have.
func unknownVariables(key string, texts ...string) []string {
	known := Variables[key]
	seen := map[string]bool{}
	var out []string
	for _, t := range texts {
		for _, m := range variable.FindAllStringSubmatch(t, -1) {
			if !slices.Contains(known, m[1]) && !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	sort.Strings(out)
	return out
}

// Rendered is a mail's subject and its two bodies.
type Rendered struct {
	Subject string `json:"subject"`
	HTML    string `json:"html"`
	Text    string `json:"text"`
}

// render fills a template's subject and body with values. The body is Markdown: its HTML comes from the
// markdown package with every value escaped (a value cannot add markup or links), its text part is the
// Markdown with links spelled out. Variables without a value render empty.
func render(subject, body string, values map[string]string) Rendered {
	get := func(name string) string { return values[name] }
	subj := variable.ReplaceAllStringFunc(subject, func(m string) string {
		return strings.Join(strings.Fields(get(variable.FindStringSubmatch(m)[1])), " ")
	})
	subj = strings.Join(strings.Fields(subj), " ")
	if r := []rune(subj); len(r) > 250 {
		subj = string(r[:249]) + "…"
	}
	text := variable.ReplaceAllStringFunc(plainText(body), func(m string) string { return get(variable.FindStringSubmatch(m)[1]) })
	return Rendered{Subject: subj, HTML: renderHTML(body, get), Text: strings.TrimSpace(text) + "\n"}
}

// renderHTML renders the Markdown with a token in place of each variable, then puts each value, escaped,
// where its token landed. Tokens are plain letters (or, for link variables, an absolute URL on a reserved
// domain) so that Markdown and the sanitiser leave them as they are.
func renderHTML(body string, get func(string) string) string {
	var names []string
	src := variable.ReplaceAllStringFunc(body, func(m string) string {
		name := variable.FindStringSubmatch(m)[1]
		names = append(names, name)
		i := len(names) - 1
		if urlVars[name] {
			return fmt.Sprintf("https://v%dx.mailvar.invalid/", i)
		}
		return fmt.Sprintf("mailvar%dx", i)
	})
	out := markdown.Render(src)
	// Replace the highest index first, so that token 1 is not found inside token 10.
	for i := len(names) - 1; i >= 0; i-- {
		v := get(names[i])
		if urlVars[names[i]] {
			if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
				v = ""
			}
			out = strings.ReplaceAll(out, fmt.Sprintf("https://v%dx.mailvar.invalid/", i), html.EscapeString(v))
			continue
		}
		out = strings.ReplaceAll(out, fmt.Sprintf("mailvar%dx", i), strings.ReplaceAll(html.EscapeString(v), "\n", "<br>\n"))
	}
	return out
}

var (
	mdLink   = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)\)`)
	mdStrong = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
)

// plainText turns the template's Markdown into readable plain text: links as "text: address", bold
// marks dropped. Values are filled afterwards, so what a value says is never rewritten.
func plainText(md string) string {
	md = mdLink.ReplaceAllString(md, "$1: $2")
	return mdStrong.ReplaceAllString(md, "$1$2")
}

// formatValue writes a variable's value as text in a language.
func formatValue(v any, l i18n.Locale, loc *time.Location) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return formatTime(x, l, loc)
	case *time.Time:
		if x == nil {
			return ""
		}
		return formatTime(*x, l, loc)
	case []string:
		lines := make([]string, len(x))
		for i, s := range x {
			lines[i] = "- " + s
		}
		return strings.Join(lines, "\n")
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case map[string]string:
		return x[string(l)]
	default:
		return fmt.Sprint(x)
	}
}

// formatTime writes an instant as the desk lives it: in its zone (loc; nil is UTC), the zone's
// abbreviation or offset after the time.
func formatTime(t time.Time, l i18n.Locale, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	if l == i18n.EN {
		return t.In(loc).Format("Jan 2, 2006 15:04 MST")
	}
	return t.In(loc).Format("02/01/2006 15:04 MST")
}

// flatten turns the caller's variables into names and texts: a nested map becomes dotted names
// ({"tasks": {"count": 3}} is tasks.count). Times are written in loc.
func flatten(vars map[string]any, l i18n.Locale, loc *time.Location, out map[string]string) {
	for k, v := range vars {
		if m, ok := v.(map[string]any); ok {
			sub := map[string]string{}
			flatten(m, l, loc, sub)
			for sk, sv := range sub {
				out[k+"."+sk] = sv
			}
			continue
		}
		out[k] = formatValue(v, l, loc)
	}
}
