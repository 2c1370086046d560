// Package attachments keeps the bytes of files people attach to tickets, and decides what may be
// attached: it stores each content once under its SHA-256 (on disk or in an S3-compatible store),
// tells a file's real type from its first bytes, and makes a file name safe to show and to save.
// Which ticket and comment a file belongs to, and who may see it, is package tickets' business.
package attachments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// ErrNotFound is returned by Open for content the store does not hold.
var ErrNotFound = errors.New("attachments: not found")

// Store holds contents by their SHA-256, each once.
type Store interface {
	// Put stores size bytes read from r under sum, the lower-case hex SHA-256 of those bytes. Content
	// already stored is not written again. Bytes that do not hash to sum are refused and not kept.
	Put(ctx context.Context, sum string, r io.Reader, size int64) error
	// Open returns the content stored under sum, or ErrNotFound.
	Open(ctx context.Context, sum string) (io.ReadCloser, error)
	// Exists reports whether content is stored under sum.
	Exists(ctx context.Context, sum string) (bool, error)
}

// ValidSum reports whether s is a lower-case hex SHA-256, the only names a store accepts (so that no
// name can reach outside it).
func ValidSum(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// objectKey is where content lives in a store: sharded by the hash's first two bytes (ab/cd/abcd…), so
// that no directory grows past 65 536 entries per level.
func objectKey(sum string) string { return sum[0:2] + "/" + sum[2:4] + "/" + sum }

func checkSum(op, sum string) error {
	if !ValidSum(sum) {
		return fmt.Errorf("attachments: %s: %q is not a sha256", op, sum)
	}
	return nil
}

// verifier hashes and counts what is read through it, so a store can check what it was given.
type verifier struct {
	r io.Reader
	h hash.Hash
	n int64
}

func newVerifier(r io.Reader) *verifier { return &verifier{r: r, h: sha256.New()} }

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	return n, err
}

// check reports whether exactly size bytes hashing to sum went through.
func (v *verifier) check(sum string, size int64) error {
	if v.n != size {
		return fmt.Errorf("attachments: put: got %d bytes, want %d", v.n, size)
	}
	if got := hex.EncodeToString(v.h.Sum(nil)); got != sum {
		return fmt.Errorf("attachments: put: content hashes to %s, not %s", got, sum)
	}
	return nil
}
