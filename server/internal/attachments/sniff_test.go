package attachments

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/errs"
)

// Small files of each kind, as their first bytes make them.
var (
	pngBytes  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"), make([]byte, 40)...)
	jpegBytes = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 40)...)
	gifBytes  = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	webpBytes = []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x000\x01\x00\x9d\x01\x2a\x01\x00\x01\x00")
	pdfBytes  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	mp3Bytes  = append([]byte("ID3\x03\x00\x00\x00\x00\x00\x0a"), make([]byte, 30)...)
	mp3Frame  = append([]byte{0xFF, 0xFB, 0x90, 0x64}, make([]byte, 30)...)
	mp4Bytes  = append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 20)...)
	heicBytes = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 20)...)
	exeBytes  = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 60)...)
	elfBytes  = append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 60)...)
)

// zipOf builds a zip holding the named (empty) parts.
func zipOf(t testing.TB, names ...string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("<x/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReceiveTellsTypesAndRefusesWhatDoesNotAgree(t *testing.T) {
	docx := zipOf(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
	xlsx := zipOf(t, "[Content_Types].xml", "xl/workbook.xml")
	pptx := zipOf(t, "[Content_Types].xml", "ppt/presentation.xml")
	plainZip := zipOf(t, "notes.txt", "photo.png")
	cases := []struct {
		name, filename string
		content        []byte
		wantType       string // accepted with this type
		wantName       string
		refusal        string // or refused with this message key
	}{
		{"png", "shot.png", pngBytes, "image/png", "shot.png", ""},
		{"png with an upper-case extension", "SHOT.PNG", pngBytes, "image/png", "SHOT.PNG", ""},
		{"jpeg", "photo.jpeg", jpegBytes, "image/jpeg", "photo.jpeg", ""},
		{"jpg", "photo.jpg", jpegBytes, "image/jpeg", "photo.jpg", ""},
		{"gif", "a.gif", gifBytes, "image/gif", "a.gif", ""},
		{"webp", "a.webp", webpBytes, "image/webp", "a.webp", ""},
		{"pdf", "invoice.pdf", pdfBytes, "application/pdf", "invoice.pdf", ""},
		{"text", "notes.txt", []byte("hola, qué tal\n"), "text/plain; charset=utf-8", "notes.txt", ""},
		{"csv", "orders.csv", []byte("id,total\n1,20.5\n"), "text/csv; charset=utf-8", "orders.csv", ""},
		{"docx", "letter.docx", docx, mimeDOCX, "letter.docx", ""},
		{"xlsx", "sheet.xlsx", xlsx, mimeXLSX, "sheet.xlsx", ""},
		{"pptx", "deck.pptx", pptx, mimePPTX, "deck.pptx", ""},
		{"zip", "bundle.zip", plainZip, mimeZIP, "bundle.zip", ""},
		{"docx sent as zip", "letter.zip", docx, mimeDOCX, "letter.zip", ""},
		{"mp3 with a tag", "call.mp3", mp3Bytes, "audio/mpeg", "call.mp3", ""},
		{"mp3 without a tag", "call.mp3", mp3Frame, "audio/mpeg", "call.mp3", ""},
		{"mp4", "clip.mp4", mp4Bytes, "video/mp4", "clip.mp4", ""},
		{"no extension gets its type's", "scan", pdfBytes, "application/pdf", "scan.pdf", ""},
		{"path in the name", "../../etc/shot.png", pngBytes, "image/png", "shot.png", ""},
		{"pdf named png", "shot.png", pdfBytes, "", "", "attachment.type_mismatch"},
		{"png named pdf", "doc.pdf", pngBytes, "", "", "attachment.type_mismatch"},
		{"text named pdf", "doc.pdf", []byte("just text"), "", "", "attachment.type_mismatch"},
		{"plain zip named docx", "letter.docx", plainZip, "", "", "attachment.type_mismatch"},
		{"xlsx named docx", "letter.docx", xlsx, "", "", "attachment.type_mismatch"},
		{"html", "page.html", []byte("<!DOCTYPE html><html><body>x</body></html>"), "", "", "attachment.type_refused"},
		{"html named txt", "page.txt", []byte("<html><script>alert(1)</script></html>"), "", "", "attachment.type_refused"},
		{"svg", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "", "", "attachment.type_refused"},
		{"svg named png", "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "", "", "attachment.type_refused"},
		{"svg with a prolog named txt", "logo.txt", []byte("<?xml version=\"1.0\"?>\n<svg/>"), "", "", "attachment.type_refused"},
		{"xml", "data.txt", []byte("<?xml version=\"1.0\"?><a/>"), "", "", "attachment.type_refused"},
		{"script", "run.txt", []byte("#!/bin/sh\nrm -rf /\n"), "", "", "attachment.type_refused"},
		{"shell extension", "run.sh", []byte("echo hi\n"), "", "", "attachment.type_refused"},
		{"javascript extension", "app.js", []byte("alert(1)\n"), "", "", "attachment.type_refused"},
		{"windows executable", "setup.exe", exeBytes, "", "", "attachment.type_refused"},
		{"windows executable named pdf", "invoice.pdf", exeBytes, "", "", "attachment.type_refused"},
		{"linux executable", "tool.txt", elfBytes, "", "", "attachment.type_refused"},
		{"heic photo", "photo.mp4", heicBytes, "", "", "attachment.type_refused"},
		{"unknown binary", "blob.zip", []byte{0, 1, 2, 3, 4, 5, 0xfe, 0xff}, "", "", "attachment.type_refused"},
		{"png with a hidden exe name", "photo\u202Egnp.exe", pngBytes, "", "", "attachment.type_refused"},
		{"empty", "empty.txt", nil, "", "", "attachment.empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := Receive(bytes.NewReader(c.content), c.filename, 1<<20)
			if c.refusal != "" {
				e, ok := errs.As(err)
				if !ok || e.Fields["file"].Key != c.refusal {
					t.Fatalf("got %v (%+v), want the refusal %s", err, e, c.refusal)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v %+v", err, err)
			}
			defer u.Close()
			if u.ContentType != c.wantType || u.Filename != c.wantName || u.Size != int64(len(c.content)) || !ValidSum(u.SHA256) {
				t.Fatalf("got %+v, want type %q name %q", u, c.wantType, c.wantName)
			}
			r, _ := u.Content()
			var got bytes.Buffer
			got.ReadFrom(r)
			if !bytes.Equal(got.Bytes(), c.content) {
				t.Fatal("the received content differs from what was sent")
			}
		})
	}
}

func TestReceiveRefusesMoreThanTheLimit(t *testing.T) {
	content := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte{' '}, 2000)...)
	if u, err := Receive(bytes.NewReader(content[:1000]), "a.pdf", 1000); err != nil {
		t.Fatalf("exactly the limit is accepted: %v", err)
	} else {
		u.Close()
	}
	_, err := Receive(bytes.NewReader(content[:1001]), "a.pdf", 1000)
	e, ok := errs.As(err)
	if !ok || e.Code != errs.TooLarge || e.Msg.Args["limit"] != "1000 bytes" {
		t.Fatalf("one byte over: %v", err)
	}
}

func TestReceiveLeavesNoTemporaryFileBehind(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	if _, err := Receive(bytes.NewReader(exeBytes), "x.exe", 1000); err == nil {
		t.Fatal("an executable was accepted")
	}
	u, err := Receive(bytes.NewReader(pngBytes), "x.png", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if n := countFiles(t, dir); n != 1 {
		t.Fatalf("%d temporary files while one upload is open", n)
	}
	u.Close()
	if n := countFiles(t, dir); n != 0 {
		t.Fatalf("%d temporary files left", n)
	}
}

func TestZipWithAnAbsurdDirectoryIsNotRead(t *testing.T) {
	// An end-of-directory record claiming 60 000 entries: not an Office file, and nothing is allocated.
	fake := append([]byte("PK\x03\x04"), make([]byte, 100)...)
	fake = append(fake, []byte("PK\x05\x06\x00\x00\x00\x00\x60\xea\x60\xea\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")...)
	u, err := Receive(bytes.NewReader(fake), "a.docx", 1<<20)
	if e, ok := errs.As(err); !ok || e.Fields["file"].Key != "attachment.type_mismatch" {
		t.Fatalf("got %v %v", u, err)
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10 MiB", 1536 << 10: "1.5 MiB", 64 << 10: "64 KiB", 1000: "1000 bytes"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDownloadHeaders(t *testing.T) {
	cases := []struct{ name, want string }{
		{"report.pdf", `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`},
		{`Factura "marzo" señora Núñez.pdf`, `attachment; filename="Factura _marzo_ senora Nunez.pdf"; filename*=UTF-8''Factura%20%22marzo%22%20se%C3%B1ora%20N%C3%BA%C3%B1ez.pdf`},
		{`a\b%20;c.txt`, `attachment; filename="a_b_20;c.txt"; filename*=UTF-8''a%5Cb%2520%3Bc.txt`},
		{"日本.txt", `attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`},
	}
	for _, c := range cases {
		if got := ContentDisposition(c.name); got != c.want {
			t.Errorf("ContentDisposition(%q) =\n %s\nwant\n %s", c.name, got, c.want)
		}
	}
	for stored, want := range map[string]string{"image/png": "image/png", "text/csv; charset=utf-8": "text/csv; charset=utf-8",
		"application/pdf": "application/pdf", mimeDOCX: "application/octet-stream", "video/mp4": "application/octet-stream",
		mimeZIP: "application/octet-stream", "text/html": "application/octet-stream"} {
		if got := ServedType(stored); got != want {
			t.Errorf("ServedType(%q) = %q, want %q", stored, got, want)
		}
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	entries, err := osReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e, "atiende-upload-") {
			n++
		}
	}
	return n
}

func osReadDir(dir string) ([]string, error) {
	es, err := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names, err
}
