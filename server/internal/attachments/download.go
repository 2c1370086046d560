package attachments

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ServedType is the Content-Type a stored file is sent with: its own for images, PDF and text, which
// browsers show safely (with nosniff and a sandbox CSP), and application/octet-stream for everything
// else, which is only ever saved.
func ServedType(stored string) string {
	base, _, _ := strings.Cut(stored, ";")
	switch base {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv":
		return stored
	}
	return "application/octet-stream"
}

// ContentDisposition is the Content-Disposition of a download (RFC 6266): "attachment", an ASCII
// fallback name for old clients and the exact name percent-encoded as UTF-8 (RFC 5987).
func ContentDisposition(filename string) string {
	return `attachment; filename="` + asciiFallback(filename) + `"; filename*=UTF-8''` + encode5987(filename)
}

// asciiFallback spells a name in printable ASCII: accents dropped (é → e), anything else that is not
// plain ASCII, and the quote, backslash and percent sign, replaced by an underscore.
func asciiFallback(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '"' || r == '\\' || r == '%':
			b.WriteByte('_')
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "file"
	}
	return b.String()
}

// encode5987 percent-encodes every byte that is not an RFC 5987 attr-char.
func encode5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
