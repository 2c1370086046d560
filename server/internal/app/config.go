// Package app wires Atiende together: configuration, pools, services, router and background workers,
// behind an App with Start and Close used by main and by tests alike.
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones even where the system has no zoneinfo

	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/notify"
)

// Config is everything Atiende reads from its environment.
type Config struct {
	DatabaseURL     string
	RedisURL        string
	Addr            string
	AllowedOrigins  []string
	RedisPrefix     string
	SessionTTL      time.Duration
	ShutdownTimeout time.Duration
	LogLevel        slog.Level
	DBMaxConns      int
	LoginMaxPerIP   int
	LoginMaxPerMail int
	LoginWindow     time.Duration

	// AttachmentsDir is where attached files are stored on disk, unless AttachmentsS3 is set.
	AttachmentsDir string
	// AttachmentMaxBytes is the largest file one may attach.
	AttachmentMaxBytes int64
	// AttachmentsS3 is the S3-compatible store for attached files, nil for the disk.
	AttachmentsS3 *attachments.S3Config

	// PublicURL is the origin users reach the desk at (links sent to them, such as invitations), without
	// a trailing slash; empty means the origin of the request that makes the link.
	PublicURL string

	// SMTP is where email is sent; nil (SMTP_HOST empty) keeps every mail in the mail log unsent.
	SMTP *notify.SMTPConfig
	// DeskTimeZone is the desk's time zone (DESK_TIME_ZONE, default America/Bogota): dashboards, reports
	// and day filters count its days, and the daily digest of overdue tasks goes out at 07:00 there. Nil (a
	// Config built in code) means the default.
	DeskTimeZone *time.Location
}

// DefaultDeskTimeZone is the desk's time zone unless DESK_TIME_ZONE says otherwise.
const DefaultDeskTimeZone = "America/Bogota"

// The attachment limits: the default and the most ATTACHMENT_MAX_BYTES may say.
const (
	DefaultAttachmentMaxBytes = 10 << 20
	MaxAttachmentMaxBytes     = 100 << 20
	DefaultAttachmentsDir     = ".data/attachments"
)

var (
	s3Host   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)
	s3Bucket = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// ConfigFromEnv reads and checks the configuration, naming every bad variable at once.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{}
	var problems []string
	bad := func(name, why string) { problems = append(problems, fmt.Sprintf("%s: %s", name, why)) }
	str := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	dur := func(name string, def time.Duration) time.Duration {
		v := getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad(name, fmt.Sprintf("%q is not a positive duration such as 30s or 12h", v))
			return def
		}
		return d
	}
	num := func(name string, def, lo, hi int) int {
		v := getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			bad(name, fmt.Sprintf("%q is not a whole number from %d to %d", v, lo, hi))
			return def
		}
		return n
	}

	c.DatabaseURL = str("DATABASE_URL", "")
	if c.DatabaseURL == "" {
		bad("DATABASE_URL", "required, for example postgres://user@127.0.0.1:5432/atiende?sslmode=disable")
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("DATABASE_URL", "must be a postgres:// URL")
	}
	c.RedisURL = str("REDIS_URL", "")
	if c.RedisURL == "" {
		bad("REDIS_URL", "required, for example redis://127.0.0.1:6379/0")
	} else if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		bad("REDIS_URL", "must be a redis:// or rediss:// URL")
	}
	c.Addr = str("ATIENDE_ADDR", ":8080")
	if _, port, ok := strings.Cut(c.Addr, ":"); !ok || port == "" {
		bad("ATIENDE_ADDR", fmt.Sprintf("%q must be host:port or :port", c.Addr))
	}
	for _, o := range strings.Split(getenv("ATIENDE_ALLOWED_ORIGINS"), ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			bad("ATIENDE_ALLOWED_ORIGINS", fmt.Sprintf("%q is not an origin such as https://desk.example.com", o))
			continue
		}
		c.AllowedOrigins = append(c.AllowedOrigins, o)
	}
	c.RedisPrefix = str("ATIENDE_REDIS_PREFIX", "atiende")
	c.SessionTTL = dur("ATIENDE_SESSION_TTL", 30*24*time.Hour)
	c.ShutdownTimeout = dur("ATIENDE_SHUTDOWN_TIMEOUT", 20*time.Second)
	switch lv := strings.ToLower(str("ATIENDE_LOG_LEVEL", "info")); lv {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("ATIENDE_LOG_LEVEL", fmt.Sprintf("%q must be debug, info, warn or error", lv))
	}
	c.DBMaxConns = num("ATIENDE_DB_MAX_CONNS", 20, 2, 1000)
	c.LoginMaxPerIP = num("ATIENDE_LOGIN_MAX_PER_IP", 50, 1, 1000000)
	c.LoginMaxPerMail = num("ATIENDE_LOGIN_MAX_PER_EMAIL", 10, 1, 1000000)
	c.LoginWindow = dur("ATIENDE_LOGIN_WINDOW", 15*time.Minute)
	c.AttachmentsDir = str("ATTACHMENTS_DIR", DefaultAttachmentsDir)
	c.AttachmentMaxBytes = int64(num("ATTACHMENT_MAX_BYTES", DefaultAttachmentMaxBytes, 1, MaxAttachmentMaxBytes))
	c.AttachmentsS3 = s3FromEnv(getenv, bad)
	if v := strings.TrimSuffix(strings.TrimSpace(getenv("PUBLIC_URL")), "/"); v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			bad("PUBLIC_URL", fmt.Sprintf("%q is not an origin without a path, such as https://desk.example.com", v))
		} else {
			c.PublicURL = v
		}
	}
	c.SMTP = smtpFromEnv(getenv, bad)
	tz := str("DESK_TIME_ZONE", DefaultDeskTimeZone)
	if loc, err := time.LoadLocation(tz); err != nil || tz == "Local" {
		bad("DESK_TIME_ZONE", fmt.Sprintf("%q is not an IANA time zone such as America/Bogota or Europe/Madrid", tz))
	} else {
		c.DeskTimeZone = loc
	}
	if len(problems) > 0 {
		return c, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return c, nil
}

// s3FromEnv reads the S3-compatible store: endpoint, bucket and both keys all set, or none of them
// (and then neither the region nor the insecure flag).
func s3FromEnv(getenv func(string) string, bad func(name, why string)) *attachments.S3Config {
	required := []string{"ATTACHMENTS_S3_ENDPOINT", "ATTACHMENTS_S3_BUCKET", "ATTACHMENTS_S3_ACCESS_KEY", "ATTACHMENTS_S3_SECRET_KEY"}
	var set, missing []string
	for _, name := range required {
		if strings.TrimSpace(getenv(name)) != "" {
			set = append(set, name)
		} else {
			missing = append(missing, name)
		}
	}
	if len(set) == 0 {
		for _, name := range []string{"ATTACHMENTS_S3_REGION", "ATTACHMENTS_S3_INSECURE"} {
			if getenv(name) != "" {
				bad(name, "only means something with ATTACHMENTS_S3_ENDPOINT, _BUCKET, _ACCESS_KEY and _SECRET_KEY")
			}
		}
		return nil
	}
	if len(missing) > 0 {
		for _, name := range missing {
			bad(name, "required when "+strings.Join(set, ", ")+" is set: the S3 store needs endpoint, bucket and both keys")
		}
		return nil
	}
	c := &attachments.S3Config{
		Endpoint:  strings.TrimSpace(getenv("ATTACHMENTS_S3_ENDPOINT")),
		Bucket:    strings.TrimSpace(getenv("ATTACHMENTS_S3_BUCKET")),
		AccessKey: strings.TrimSpace(getenv("ATTACHMENTS_S3_ACCESS_KEY")),
		SecretKey: strings.TrimSpace(getenv("ATTACHMENTS_S3_SECRET_KEY")),
		Region:    "us-east-1",
	}
	if !s3Host.MatchString(c.Endpoint) {
		bad("ATTACHMENTS_S3_ENDPOINT", fmt.Sprintf("%q must be host or host:port without a scheme, such as s3.eu-west-1.amazonaws.com or minio.internal:9000 (plain HTTP: ATTACHMENTS_S3_INSECURE=true)", c.Endpoint))
	}
	if !s3Bucket.MatchString(c.Bucket) {
		bad("ATTACHMENTS_S3_BUCKET", fmt.Sprintf("%q is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)", c.Bucket))
	}
	if r := strings.TrimSpace(getenv("ATTACHMENTS_S3_REGION")); r != "" {
		c.Region = r
	}
	if v := strings.TrimSpace(getenv("ATTACHMENTS_S3_INSECURE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("ATTACHMENTS_S3_INSECURE", fmt.Sprintf("%q must be true or false", v))
		}
		c.Insecure = b
	}
	return c
}

// smtpFromEnv reads the SMTP server email is sent through. Without SMTP_HOST nothing is sent (the mail
// log keeps what would have been), and the other SMTP_* variables must then be unset.
func smtpFromEnv(getenv func(string) string, bad func(name, why string)) *notify.SMTPConfig {
	host := strings.TrimSpace(getenv("SMTP_HOST"))
	if host == "" {
		for _, name := range []string{"SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_TLS"} {
			if strings.TrimSpace(getenv(name)) != "" {
				bad(name, "only means something with SMTP_HOST")
			}
		}
		return nil
	}
	c := &notify.SMTPConfig{Host: host, Port: 587, Username: strings.TrimSpace(getenv("SMTP_USERNAME")),
		Password: getenv("SMTP_PASSWORD"), TLS: notify.TLSStartTLS}
	if !s3Host.MatchString(host) || strings.Contains(host, ":") {
		bad("SMTP_HOST", fmt.Sprintf("%q is not a host name or address such as smtp.example.com (the port goes in SMTP_PORT)", host))
	}
	if v := strings.TrimSpace(getenv("SMTP_PORT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			bad("SMTP_PORT", fmt.Sprintf("%q is not a port from 1 to 65535", v))
		} else {
			c.Port = n
		}
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("SMTP_TLS"))); v != "" {
		switch notify.TLSMode(v) {
		case notify.TLSStartTLS, notify.TLSImplicit, notify.TLSNone:
			c.TLS = notify.TLSMode(v)
		default:
			bad("SMTP_TLS", fmt.Sprintf("%q must be starttls, tls or none", v))
		}
	}
	if c.Password != "" && c.Username == "" {
		bad("SMTP_PASSWORD", "needs SMTP_USERNAME")
	}
	from := strings.TrimSpace(getenv("SMTP_FROM"))
	if from == "" {
		bad("SMTP_FROM", "required with SMTP_HOST, for example Atiende <desk@example.com>")
	} else if addr, err := mail.ParseAddress(from); err != nil {
		bad("SMTP_FROM", fmt.Sprintf("%q is not an address such as Atiende <desk@example.com>", from))
	} else {
		c.From = addr
	}
	return c
}
