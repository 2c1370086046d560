package attachments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Disk stores contents as files under a directory, sharded by hash prefix (ab/cd/<hash>). The directory
// is created on the first write, so an instance that never receives a file leaves nothing behind.
type Disk struct{ Dir string }

// NewDisk returns a store under dir.
func NewDisk(dir string) *Disk { return &Disk{Dir: dir} }

func (d *Disk) path(sum string) string {
	return filepath.Join(d.Dir, filepath.FromSlash(objectKey(sum)))
}

// Put writes the content to a temporary file beside its final place, syncs it, checks its hash and
// renames it into place, so a reader never sees a partial file and a crash leaves none.
func (d *Disk) Put(ctx context.Context, sum string, r io.Reader, size int64) error {
	if err := checkSum("put", sum); err != nil {
		return err
	}
	final := d.path(sum)
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("attachments: put: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("attachments: put: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	v := newVerifier(io.LimitReader(r, size+1))
	if _, err := io.Copy(tmp, &ctxReader{ctx: ctx, r: v}); err != nil {
		return fmt.Errorf("attachments: put: %w", err)
	}
	if err := v.check(sum, size); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("attachments: put: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("attachments: put: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		os.Remove(tmp.Name())
		done = true
		return fmt.Errorf("attachments: put: %w", err)
	}
	done = true
	// The rename is durable once the directory entry is.
	if dirf, err := os.Open(dir); err == nil {
		_ = dirf.Sync()
		dirf.Close()
	}
	return nil
}

// Open opens the stored file.
func (d *Disk) Open(_ context.Context, sum string) (io.ReadCloser, error) {
	if err := checkSum("open", sum); err != nil {
		return nil, err
	}
	f, err := os.Open(d.path(sum))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("attachments: open: %w", err)
	}
	return f, nil
}

// Exists reports whether the file is there.
func (d *Disk) Exists(_ context.Context, sum string) (bool, error) {
	if err := checkSum("exists", sum); err != nil {
		return false, err
	}
	_, err := os.Stat(d.path(sum))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("attachments: exists: %w", err)
	}
	return true, nil
}

// ctxReader stops a long copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
