// Package markdown turns the Markdown users write into safe HTML.
//
// This minimal version (escaped text in one paragraph) is replaced by the conversation branch, which
// renders CommonMark with goldmark and sanitises the result with bluemonday.
package markdown

import "html"

// Render returns src as safe HTML: here the escaped source in one paragraph.
func Render(src string) string {
	if src == "" {
		return ""
	}
	return "<p>" + html.EscapeString(src) + "</p>"
}
