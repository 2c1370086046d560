package attachments

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"

	"github.com/atiende/atiende/server/internal/errs"
)

// Form is a received multipart form: its text fields and its files, each received and checked by
// Receive and waiting in a temporary file. Close removes them.
type Form struct {
	Values map[string]string
	Files  []*Upload
}

// Close removes the form's temporary files.
func (f *Form) Close() {
	for _, u := range f.Files {
		u.Close()
	}
}

// maxFormField bounds one text field of a multipart form.
const maxFormField = 64 << 10

// ReadForm parses a multipart body (already in memory) as a stream: each file of the field fileField,
// at most maxFiles of them (tooMany is the field error's message key then, with {max}), received,
// sniffed and checked as tickets' files are; the text fields named in fields are kept. Files are never
// held in memory a second time.
func ReadForm(body []byte, contentType, fileField string, maxFiles int, maxBytes int64, tooMany string, fields ...string) (*Form, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, errs.New(errs.Invalid, "attachment.multipart")
	}
	f := &Form{Values: map[string]string{}}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	want := make(map[string]bool, len(fields))
	for _, name := range fields {
		want[name] = true
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errs.New(errs.Invalid, "attachment.multipart")
		}
		name := part.FormName()
		switch {
		case name == fileField:
			if len(f.Files) >= maxFiles {
				return nil, errs.InvalidField(fileField, tooMany, map[string]any{"max": maxFiles})
			}
			up, err := Receive(formPart{part}, part.FileName(), maxBytes)
			if err != nil {
				return nil, err
			}
			f.Files = append(f.Files, up)
		case want[name]:
			v, err := io.ReadAll(io.LimitReader(formPart{part}, maxFormField+1))
			if err != nil {
				return nil, errs.New(errs.Invalid, "attachment.multipart")
			}
			if len(v) > maxFormField {
				return nil, errs.InvalidField(name, "field.max", map[string]any{"param": maxFormField})
			}
			f.Values[name] = string(v)
		}
	}
	ok = true
	return f, nil
}

// formPart reads a part of the request body: failing to read it means the body is not the multipart
// form it claims to be.
type formPart struct{ r io.Reader }

func (b formPart) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, errs.New(errs.Invalid, "attachment.multipart")
	}
	return n, err
}
