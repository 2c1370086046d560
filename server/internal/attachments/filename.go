package attachments

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxFilename is the longest file name kept, in bytes (what common file systems allow).
const MaxFilename = 255

// maxExt is the longest extension kept whole when a long name is shortened.
const maxExt = 16

// NormalizeFilename makes a file name from an upload safe to store, show and offer for download: its
// base name only (no directories, no path separators, never "." or ".."), without control,
// bidirectional-override or zero-width characters (which make "exe.pdf" look like "fdp.exe"), NFC
// normalised, white space collapsed, leading dots dropped (no hidden files), and at most 255 bytes cut
// on a character boundary keeping the extension. An empty result is "file".
func NormalizeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	// The base name, for both separators: browsers on Windows send C:\Users\…\file.pdf.
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case dropped(r):
			return -1
		}
		return r
	}, name)
	name = norm.NFC.String(name)
	name = strings.Join(strings.Fields(name), " ")
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ")
	name = shorten(name)
	if name == "" {
		return "file"
	}
	return name
}

// dropped reports whether a character is removed from file names: controls, format characters (the
// bidirectional overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F, the
// zero-width U+200B–U+200D, U+2060 and U+FEFF are all in Cf), and the replacement character that
// stands for bytes that were not UTF-8.
func dropped(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || (r >= 0x200B && r <= 0x200F)
}

// shorten cuts a name to MaxFilename bytes on a character boundary, keeping a short extension.
func shorten(name string) string {
	if len(name) <= MaxFilename {
		return name
	}
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= maxExt {
		stem, ext = name[:i], name[i:]
	}
	stem = cutUTF8(stem, MaxFilename-len(ext))
	stem = strings.TrimRight(stem, ". ")
	if stem == "" {
		return "file" + ext
	}
	return stem + ext
}

// cutUTF8 returns the longest prefix of s of at most n bytes that ends on a character boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
