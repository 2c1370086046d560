package attachments

import (
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config is how to reach an S3-compatible store.
type S3Config struct {
	Endpoint  string // host or host:port, without scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	Insecure  bool // plain HTTP (a store on a private network or in tests)
}

// S3 stores contents as objects of one bucket of an S3-compatible store (AWS S3, MinIO, Ceph, R2…),
// under the same ab/cd/<hash> keys as Disk.
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 connects to the store and checks that the bucket exists, so a wrong setting stops the server
// at start rather than at the first upload.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: !cfg.Insecure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("attachments: s3 %s: %w", cfg.Endpoint, err)
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("attachments: s3 %s: bucket %s: %w", cfg.Endpoint, cfg.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("attachments: s3 %s: bucket %s does not exist", cfg.Endpoint, cfg.Bucket)
	}
	return &S3{client: client, bucket: cfg.Bucket}, nil
}

// Put uploads the content unless an object already holds it. The bytes are hashed on the way; an
// object whose bytes do not match sum is removed again.
func (s *S3) Put(ctx context.Context, sum string, r io.Reader, size int64) error {
	if err := checkSum("put", sum); err != nil {
		return err
	}
	if ok, err := s.Exists(ctx, sum); err != nil || ok {
		return err
	}
	v := newVerifier(r)
	_, err := s.client.PutObject(ctx, s.bucket, objectKey(sum), v, size,
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("attachments: put: %w", err)
	}
	if err := v.check(sum, size); err != nil {
		_ = s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, objectKey(sum), minio.RemoveObjectOptions{})
		return err
	}
	return nil
}

// Open returns the object's content.
func (s *S3) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	if err := checkSum("open", sum); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, objectKey(sum), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("attachments: open: %w", err)
	}
	// GetObject is lazy: Stat makes the request and tells a missing object.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if isNoSuchKey(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("attachments: open: %w", err)
	}
	return obj, nil
}

// Exists reports whether the object is there.
func (s *S3) Exists(ctx context.Context, sum string) (bool, error) {
	if err := checkSum("exists", sum); err != nil {
		return false, err
	}
	_, err := s.client.StatObject(ctx, s.bucket, objectKey(sum), minio.StatObjectOptions{})
	if err == nil {
		return true, nil
	}
	if isNoSuchKey(err) {
		return false, nil
	}
	return false, fmt.Errorf("attachments: exists: %w", err)
}

func isNoSuchKey(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == minio.NoSuchKey || code == "NotFound"
}
