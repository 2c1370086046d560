package catalog

import (
	"regexp"
	"slices"
	"strings"
)

// placeholders are the names a canned response may use between double braces.
var placeholders = []string{
	"requester.name", "requester.email", "ticket.number", "ticket.subject", "agent.name", "agent.email",
}

// placeholderRE matches {{ name }}, whitespace inside the braces tolerated.
var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// Placeholders lists the placeholder names canned responses may use (without braces), e.g. "requester.name".
func Placeholders() []string { return slices.Clone(placeholders) }

// placeholderList is the placeholders as an author writes them, for messages.
func placeholderList() []string {
	out := make([]string, len(placeholders))
	for i, p := range placeholders {
		out[i] = "{{" + p + "}}"
	}
	return out
}

// FillPlaceholders replaces each {{name}} in body (whitespace inside the braces tolerated) with v[name].
// A known placeholder without a value becomes empty, so that a reply never shows a raw placeholder; an
// unknown one is left as written.
func FillPlaceholders(body string, v map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(body, func(m string) string {
		name := placeholderRE.FindStringSubmatch(m)[1]
		if val, ok := v[name]; ok {
			return val
		}
		if slices.Contains(placeholders, name) {
			return ""
		}
		return m
	})
}

// unknownPlaceholders returns the placeholders of body that are not known, as written.
func unknownPlaceholders(body string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(placeholders, m[1]) {
			out = append(out, strings.TrimSpace(m[0]))
		}
	}
	return out
}
