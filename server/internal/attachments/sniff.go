package attachments

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/atiende/atiende/server/internal/errs"
)

// sniffLen is how much of a file its type is told from (what http.DetectContentType reads).
const sniffLen = 512

// The OOXML types.
const (
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	mimeZIP  = "application/zip"
	mimeText = "text/plain"
)

// allowed maps each accepted extension to the content types a file with it may hold. A text file's
// charset parameter is ignored for the match.
var allowed = map[string][]string{
	".png":  {"image/png"},
	".jpg":  {"image/jpeg"},
	".jpeg": {"image/jpeg"},
	".gif":  {"image/gif"},
	".webp": {"image/webp"},
	".pdf":  {"application/pdf"},
	".txt":  {mimeText},
	".log":  {mimeText},
	".csv":  {mimeText},
	".docx": {mimeDOCX},
	".xlsx": {mimeXLSX},
	".pptx": {mimePPTX},
	".zip":  {mimeZIP, mimeDOCX, mimeXLSX, mimePPTX}, // an Office file is a zip too
	".mp3":  {"audio/mpeg"},
	".mp4":  {"video/mp4"},
}

// extFor is the extension given to a file sent without one, by content type.
var extFor = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp", "application/pdf": ".pdf",
	mimeText: ".txt", mimeDOCX: ".docx", mimeXLSX: ".xlsx", mimePPTX: ".pptx", mimeZIP: ".zip",
	"audio/mpeg": ".mp3", "video/mp4": ".mp4",
}

// mp4Brands are the ISO media brands of MP4 video and audio (not QuickTime, HEIC or AVIF images).
var mp4Brands = map[string]bool{"isom": true, "iso2": true, "iso3": true, "iso4": true, "iso5": true, "iso6": true,
	"mp41": true, "mp42": true, "mp71": true, "avc1": true, "M4V ": true, "M4A ": true, "dash": true, "MSNV": true, "f4v ": true}

// magic tells the types http.DetectContentType does not know, or knows only in part, and the
// executables and scripts that are always refused. It runs first.
func magic(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return mimeZIP
	case len(head) >= 12 && bytes.Equal(head[0:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return "image/webp"
	case bytes.HasPrefix(head, []byte("ID3")):
		return "audio/mpeg"
	case len(head) >= 3 && head[0] == 0xFF && head[1]&0xE0 == 0xE0 && head[1]&0x06 == 0x02 && head[2]&0xF0 != 0xF0:
		return "audio/mpeg" // an MPEG audio layer III frame header without an ID3 tag
	case len(head) >= 12 && bytes.Equal(head[4:8], []byte("ftyp")) && mp4Brands[string(head[8:12])]:
		return "video/mp4"
	case bytes.HasPrefix(head, []byte("MZ")):
		return "application/x-msdownload"
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "application/x-elf"
	case bytes.HasPrefix(head, []byte("\xfe\xed\xfa\xce")), bytes.HasPrefix(head, []byte("\xfe\xed\xfa\xcf")),
		bytes.HasPrefix(head, []byte("\xce\xfa\xed\xfe")), bytes.HasPrefix(head, []byte("\xcf\xfa\xed\xfe")),
		bytes.HasPrefix(head, []byte("\xca\xfe\xba\xbe")):
		return "application/x-mach-binary"
	case bytes.HasPrefix(bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n"), []byte("#!")):
		return "text/x-script"
	}
	return ""
}

// sniff tells a file's content type from its first bytes and, for zip files, from their directory.
func sniff(head []byte, f *os.File, size int64) string {
	ct := magic(head)
	if ct == "" {
		ct = http.DetectContentType(head)
	}
	base, _, _ := strings.Cut(ct, ";")
	switch base {
	case mimeText:
		// DetectContentType calls any text without HTML tags plain; SVG and XML are markup too.
		doc := bytes.ToLower(bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n"))
		switch {
		case bytes.HasPrefix(doc, []byte("<svg")), bytes.HasPrefix(doc, []byte("<")) && bytes.Contains(doc, []byte("<svg")):
			return "image/svg+xml"
		case bytes.HasPrefix(doc, []byte("<?xml")), bytes.HasPrefix(doc, []byte("<!doctype")):
			return "text/xml"
		}
	case mimeZIP:
		return office(f, size)
	}
	return ct
}

// office tells an Office Open XML document (docx, xlsx, pptx) from any other zip by the parts it
// holds. Only the zip's directory is read; a directory of absurd size is not read at all.
func office(f *os.File, size int64) string {
	if n, ok := zipEntries(f, size); !ok || n > 10000 {
		return mimeZIP
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return mimeZIP
	}
	parts := make(map[string]bool, len(zr.File))
	for _, zf := range zr.File {
		parts[zf.Name] = true
	}
	if !parts["[Content_Types].xml"] {
		return mimeZIP
	}
	switch {
	case parts["word/document.xml"]:
		return mimeDOCX
	case parts["xl/workbook.xml"]:
		return mimeXLSX
	case parts["ppt/presentation.xml"]:
		return mimePPTX
	}
	return mimeZIP
}

// zipEntries reads the number of entries from a zip's end-of-central-directory record.
func zipEntries(f *os.File, size int64) (int, bool) {
	const eocdLen, maxComment = 22, 65535
	n := min(size, eocdLen+maxComment)
	tail := make([]byte, n)
	if _, err := f.ReadAt(tail, size-n); err != nil && !errors.Is(err, io.EOF) {
		return 0, false
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < eocdLen {
		return 0, false
	}
	return int(binary.LittleEndian.Uint16(tail[i+10:])), true
}

// Upload is a received file, checked and hashed, waiting in a temporary file to be stored.
type Upload struct {
	Filename    string // normalised, with an extension that agrees with the content
	ContentType string // as sniffed, e.g. "image/png" or "text/csv; charset=utf-8"
	Size        int64
	SHA256      string
	file        *os.File
}

// Content returns the file's bytes from the start.
func (u *Upload) Content() (io.Reader, error) {
	if _, err := u.file.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("attachments: upload: %w", err)
	}
	return u.file, nil
}

// Close removes the temporary file.
func (u *Upload) Close() error {
	u.file.Close()
	return os.Remove(u.file.Name())
}

// Receive copies a file from r into a temporary file while hashing it (never more than max bytes,
// never the whole file in memory) and checks it: not empty, not larger than max, of an accepted type
// that agrees with its name's extension. A refusal is an *errs.Error on the field "file". The caller
// closes the Upload.
func Receive(r io.Reader, name string, max int64) (*Upload, error) {
	f, err := os.CreateTemp("", "atiende-upload-*")
	if err != nil {
		return nil, fmt.Errorf("attachments: receive: %w", err)
	}
	u := &Upload{file: f}
	ok := false
	defer func() {
		if !ok {
			u.Close()
		}
	}()
	h := sha256.New()
	head := &headWriter{max: sniffLen}
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("attachments: receive: %w", err)
	}
	if n > max {
		return nil, TooLarge(max)
	}
	if n == 0 {
		return nil, errs.InvalidField("file", "attachment.empty", nil)
	}
	u.Size, u.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	u.ContentType = sniff(head.buf, f, n)
	u.Filename = NormalizeFilename(name)
	if err := u.agree(); err != nil {
		return nil, err
	}
	ok = true
	return u, nil
}

// agree checks the sniffed type against the accepted types and the name's extension, giving a name
// without an extension the one of its type.
func (u *Upload) agree() error {
	base, _, _ := strings.Cut(u.ContentType, ";")
	if _, ok := extFor[base]; !ok {
		return errs.InvalidField("file", "attachment.type_refused", nil)
	}
	ext := strings.ToLower(filepath.Ext(u.Filename))
	if ext == "" {
		u.Filename = NormalizeFilename(u.Filename + extFor[base])
		ext = extFor[base]
	}
	types, ok := allowed[ext]
	if !ok {
		return errs.InvalidField("file", "attachment.type_refused", nil)
	}
	for _, t := range types {
		if t == base {
			if ext == ".csv" {
				u.ContentType = "text/csv" + strings.TrimPrefix(u.ContentType, mimeText)
			}
			return nil
		}
	}
	return errs.InvalidField("file", "attachment.type_mismatch", map[string]any{"ext": ext})
}

// TooLarge is the refusal of a file over the limit, naming the limit.
func TooLarge(max int64) *errs.Error {
	return errs.Newf(errs.TooLarge, "attachment.too_large", map[string]any{"limit": FormatBytes(max)}).
		WithField("file", "attachment.too_large", map[string]any{"limit": FormatBytes(max)})
}

// FormatBytes writes a size as people read it: "10 MiB", "512 KiB", "1.5 MiB".
func FormatBytes(n int64) string {
	const kib, mib = 1 << 10, 1 << 20
	switch {
	case n >= mib:
		if n%mib == 0 {
			return fmt.Sprintf("%d MiB", n/mib)
		}
		return fmt.Sprintf("%.1f MiB", float64(n)/mib)
	case n >= kib:
		if n%kib == 0 {
			return fmt.Sprintf("%d KiB", n/kib)
		}
		return fmt.Sprintf("%.1f KiB", float64(n)/kib)
	}
	return fmt.Sprintf("%d bytes", n)
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	buf []byte
	max int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
