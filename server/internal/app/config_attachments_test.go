package app_test

import (
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
)

func TestConfigAttachments(t *testing.T) {
	base := map[string]string{"DATABASE_URL": "postgres://u@h/db", "REDIS_URL": "redis://h:6379/0"}
	with := func(extra map[string]string) func(string) string {
		return func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return base[k]
		}
	}
	t.Run("defaults: 10 MiB on disk", func(t *testing.T) {
		c, err := app.ConfigFromEnv(with(nil))
		if err != nil || c.AttachmentMaxBytes != 10<<20 || c.AttachmentsDir != ".data/attachments" || c.AttachmentsS3 != nil {
			t.Fatalf("%+v %v", c, err)
		}
	})
	t.Run("a complete S3 store", func(t *testing.T) {
		c, err := app.ConfigFromEnv(with(map[string]string{"ATTACHMENTS_S3_ENDPOINT": "minio.internal:9000", "ATTACHMENTS_S3_BUCKET": "atiende-files",
			"ATTACHMENTS_S3_ACCESS_KEY": "ak", "ATTACHMENTS_S3_SECRET_KEY": "sk", "ATTACHMENTS_S3_INSECURE": "true", "ATTACHMENT_MAX_BYTES": "1048576"}))
		if err != nil || c.AttachmentsS3 == nil || c.AttachmentsS3.Region != "us-east-1" || !c.AttachmentsS3.Insecure ||
			c.AttachmentsS3.Endpoint != "minio.internal:9000" || c.AttachmentMaxBytes != 1<<20 {
			t.Fatalf("%+v %+v %v", c, c.AttachmentsS3, err)
		}
	})
	cases := []struct {
		name  string
		env   map[string]string
		named []string
	}{
		{"limit not a number", map[string]string{"ATTACHMENT_MAX_BYTES": "10MB"}, []string{"ATTACHMENT_MAX_BYTES"}},
		{"limit above 100 MiB", map[string]string{"ATTACHMENT_MAX_BYTES": "104857601"}, []string{"ATTACHMENT_MAX_BYTES"}},
		{"limit zero", map[string]string{"ATTACHMENT_MAX_BYTES": "0"}, []string{"ATTACHMENT_MAX_BYTES"}},
		{"S3 half set names what is missing", map[string]string{"ATTACHMENTS_S3_ENDPOINT": "s3.example.com", "ATTACHMENTS_S3_BUCKET": "b-1"},
			[]string{"ATTACHMENTS_S3_ACCESS_KEY", "ATTACHMENTS_S3_SECRET_KEY"}},
		{"S3 region without a store", map[string]string{"ATTACHMENTS_S3_REGION": "eu-west-1", "ATTACHMENTS_S3_INSECURE": "true"},
			[]string{"ATTACHMENTS_S3_REGION", "ATTACHMENTS_S3_INSECURE"}},
		{"S3 endpoint with a scheme, bad bucket and flag", map[string]string{"ATTACHMENTS_S3_ENDPOINT": "https://s3.example.com",
			"ATTACHMENTS_S3_BUCKET": "Bad_Bucket", "ATTACHMENTS_S3_ACCESS_KEY": "ak", "ATTACHMENTS_S3_SECRET_KEY": "sk", "ATTACHMENTS_S3_INSECURE": "sometimes"},
			[]string{"ATTACHMENTS_S3_ENDPOINT", "ATTACHMENTS_S3_BUCKET", "ATTACHMENTS_S3_INSECURE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := app.ConfigFromEnv(with(c.env))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, n := range c.named {
				if !strings.Contains(err.Error(), n+":") {
					t.Errorf("the error does not name %s: %v", n, err)
				}
			}
		})
	}
}
