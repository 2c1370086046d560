package attachments

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalizeFilename(t *testing.T) {
	long := strings.Repeat("á", 200) + ".pdf" // 404 bytes
	cases := []struct{ name, in, want string }{
		{"plain", "report.pdf", "report.pdf"},
		{"spaces and accents kept", "Factura de marzo — señora Núñez.pdf", "Factura de marzo — señora Núñez.pdf"},
		{"quotes kept (the download header escapes them)", `my "best" photo.png`, `my "best" photo.png`},
		{"unix path", "/etc/passwd", "passwd"},
		{"traversal", "../../etc/passwd", "passwd"},
		{"windows path", `C:\Users\ana\Desktop\scan.pdf`, "scan.pdf"},
		{"windows traversal", `..\..\boot.ini`, "boot.ini"},
		{"dot", ".", "file"},
		{"dot dot", "..", "file"},
		{"only a slash", "/", "file"},
		{"trailing slash", "dir/", "file"},
		{"empty", "", "file"},
		{"blank", " \t ", "file"},
		{"hidden file", ".htaccess", "htaccess"},
		{"trailing dots and spaces", "invoice.pdf. . ", "invoice.pdf"},
		{"NUL", "a\x00b.txt", "ab.txt"},
		{"controls", "a\x01\x1f\x7f\u009bb.txt", "ab.txt"},
		{"next line is white space", "a\u0085b.txt", "a b.txt"},
		{"newlines become spaces", "line\r\nbreak.txt", "line break.txt"},
		{"white space collapsed", "a   \u00a0\u3000 b.txt", "a b.txt"},
		{"right-to-left override", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"isolates", "a\u2066b\u2067c\u2068d\u2069.txt", "abcd.txt"},
		{"embeddings and marks", "\u202Aa\u202B\u202C\u200E\u200Fb.txt", "ab.txt"},
		{"zero width", "pa\u200Bss\u200C\u200Dw\u2060o\uFEFFrd.txt", "password.txt"},
		{"invalid UTF-8", "caf\xe9.txt", "caf.txt"},
		{"NFC", "cafe\u0301.txt", "caf\u00e9.txt"},
		{"long name keeps its extension", long, strings.Repeat("á", 125) + ".pdf"},
		{"long name without extension", strings.Repeat("x", 300), strings.Repeat("x", 255)},
		{"long extension is not kept whole", "a." + strings.Repeat("e", 300), "a." + strings.Repeat("e", 253)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := NormalizeFilename(c.in); got != c.want {
				t.Fatalf("NormalizeFilename(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestFilenameOracleFailsOnBadNames(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "a\x00", "a\x07", "a\u202eb", "a\u200bb", "\xff", strings.Repeat("x", 256)} {
		if badFilename(bad) == "" {
			t.Errorf("badFilename(%q) found nothing", bad)
		}
	}
}

func FuzzNormalizeFilename(f *testing.F) {
	for _, s := range []string{"report.pdf", "../../etc/passwd", `C:\x\y.doc`, ".", "..", "a\u202Efdp.exe", "cafe\u0301.txt",
		"\x00", "caf\xe9", strings.Repeat("á", 200) + ".pdf", " . . ", "a\u2066b", "\u200b", "x." + strings.Repeat("é", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := NormalizeFilename(in)
		if problem := badFilename(out); problem != "" {
			t.Fatalf("NormalizeFilename(%q) = %q: %s", in, out, problem)
		}
		if again := NormalizeFilename(out); again != out {
			t.Fatalf("not stable: %q → %q → %q", in, out, again)
		}
	})
}

// badFilename names what makes a normalised name unsafe, or returns "".
func badFilename(s string) string {
	switch {
	case s == "":
		return "empty"
	case s == "." || s == "..":
		return "a directory name"
	case !utf8.ValidString(s):
		return "not UTF-8"
	case len(s) > MaxFilename:
		return "longer than 255 bytes"
	case strings.ContainsAny(s, "/\\\x00"):
		return "a path separator or NUL"
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
			(r >= 0x200B && r <= 0x200F) || r == 0xFEFF {
			return "a control, bidi or zero-width character"
		}
	}
	return ""
}
