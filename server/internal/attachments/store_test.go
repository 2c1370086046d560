package attachments

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func sumOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// testStoreContract is what every Store must do.
func testStoreContract(t *testing.T, s Store) {
	ctx := context.Background()
	content := []byte("the same bytes, stored once")
	sum := sumOf(content)

	t.Run("missing content", func(t *testing.T) {
		if ok, err := s.Exists(ctx, sum); err != nil || ok {
			t.Fatalf("Exists before Put: %v %v", ok, err)
		}
		if _, err := s.Open(ctx, sum); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Open before Put: %v", err)
		}
	})
	t.Run("put, exists, open", func(t *testing.T) {
		if err := s.Put(ctx, sum, bytes.NewReader(content), int64(len(content))); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.Exists(ctx, sum); err != nil || !ok {
			t.Fatalf("Exists after Put: %v %v", ok, err)
		}
		rc, err := s.Open(ctx, sum)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, content) {
			t.Fatalf("Open read %q, %v", got, err)
		}
	})
	t.Run("the same content again is not read", func(t *testing.T) {
		if err := s.Put(ctx, sum, failingReader{}, int64(len(content))); err != nil {
			t.Fatalf("a second Put of stored content must not need its bytes: %v", err)
		}
	})
	t.Run("bytes that do not match their hash are refused", func(t *testing.T) {
		other := []byte("other bytes")
		wrong := sumOf([]byte("something else"))
		if err := s.Put(ctx, wrong, bytes.NewReader(other), int64(len(other))); err == nil {
			t.Fatal("a Put with the wrong hash succeeded")
		}
		if ok, _ := s.Exists(ctx, wrong); ok {
			t.Fatal("content with the wrong hash was kept")
		}
	})
	t.Run("a short read is refused", func(t *testing.T) {
		c := []byte("twelve bytes")
		if err := s.Put(ctx, sumOf(c), bytes.NewReader(c[:6]), int64(len(c))); err == nil {
			t.Fatal("a Put with fewer bytes than announced succeeded")
		}
		if ok, _ := s.Exists(ctx, sumOf(c)); ok {
			t.Fatal("a partial content was kept")
		}
	})
	t.Run("names that are not hashes are refused", func(t *testing.T) {
		for _, bad := range []string{"", "../../../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63), sum + "/x"} {
			if err := s.Put(ctx, bad, bytes.NewReader(content), int64(len(content))); err == nil {
				t.Errorf("Put(%q) succeeded", bad)
			}
			if _, err := s.Open(ctx, bad); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("Open(%q): %v", bad, err)
			}
			if _, err := s.Exists(ctx, bad); err == nil {
				t.Errorf("Exists(%q) did not fail", bad)
			}
		}
	})
	t.Run("a larger content", func(t *testing.T) {
		big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
		if err := s.Put(ctx, sumOf(big), bytes.NewReader(big), int64(len(big))); err != nil {
			t.Fatal(err)
		}
		rc, err := s.Open(ctx, sumOf(big))
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		got, _ := io.ReadAll(rc)
		if !bytes.Equal(got, big) {
			t.Fatalf("read %d bytes back, want %d identical", len(got), len(big))
		}
	})
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("must not be read") }

func TestDiskStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "attachments")
	d := NewDisk(dir)
	if _, err := d.Exists(context.Background(), sumOf(nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the directory must be created only by the first write")
	}
	testStoreContract(t, d)
	sum := sumOf([]byte("the same bytes, stored once"))
	if _, err := os.Stat(filepath.Join(dir, sum[:2], sum[2:4], sum)); err != nil {
		t.Fatalf("content is sharded as ab/cd/<hash>: %v", err)
	}
	var leftovers []string
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(e.Name(), ".upload-") {
			leftovers = append(leftovers, p)
		}
		return nil
	})
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

// fakeS3 is an in-process S3-compatible server (gofakes3): the adapter speaks the real protocol to it
// over HTTP, through minio-go's signing, requests and error responses.
func fakeS3(t *testing.T, bucket string) S3Config {
	backend := s3mem.New()
	if bucket != "" {
		if err := backend.CreateBucket(bucket); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return S3Config{Endpoint: strings.TrimPrefix(srv.URL, "http://"), Bucket: "atiende-files", AccessKey: "key",
		SecretKey: "secret", Region: "us-east-1", Insecure: true}
}

func TestS3Store(t *testing.T) {
	s, err := NewS3(context.Background(), fakeS3(t, "atiende-files"))
	if err != nil {
		t.Fatal(err)
	}
	testStoreContract(t, s)
}

func TestS3StoreNeedsItsBucket(t *testing.T) {
	_, err := NewS3(context.Background(), fakeS3(t, "another-bucket"))
	if err == nil || !strings.Contains(err.Error(), "bucket atiende-files does not exist") {
		t.Fatalf("a missing bucket must stop the start: %v", err)
	}
}
