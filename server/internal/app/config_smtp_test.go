package app_test

import (
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/notify"
)

func TestConfigSMTP(t *testing.T) {
	read := func(env map[string]string) (app.Config, error) {
		return app.ConfigFromEnv(func(k string) string {
			switch k {
			case "DATABASE_URL":
				return "postgres://u@h/db"
			case "REDIS_URL":
				return "redis://h:6379/0"
			}
			return env[k]
		})
	}
	// Without SMTP_HOST nothing is sent: the mail log keeps what would have been.
	c, err := read(nil)
	if err != nil || c.SMTP != nil {
		t.Fatalf("no SMTP_HOST: %+v, %v", c.SMTP, err)
	}
	c, err = read(map[string]string{"SMTP_HOST": "smtp.example.com", "SMTP_FROM": "Atiende <desk@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	if s := c.SMTP; s.Host != "smtp.example.com" || s.Port != 587 || s.TLS != notify.TLSStartTLS ||
		s.From.Address != "desk@example.com" || s.From.Name != "Atiende" || s.Username != "" {
		t.Fatalf("defaults: %+v", s)
	}
	c, err = read(map[string]string{"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "465", "SMTP_TLS": "TLS",
		"SMTP_USERNAME": "desk", "SMTP_PASSWORD": "secret", "SMTP_FROM": "desk@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if s := c.SMTP; s.Port != 465 || s.TLS != notify.TLSImplicit || s.Username != "desk" || s.Password != "secret" {
		t.Fatalf("explicit: %+v", s)
	}
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"SMTP_HOST": "smtp.example.com"}, []string{"SMTP_FROM:"}},
		{map[string]string{"SMTP_HOST": "smtp.example.com", "SMTP_FROM": "not an address"}, []string{"SMTP_FROM:"}},
		{map[string]string{"SMTP_HOST": "smtp.example.com:25", "SMTP_FROM": "d@x.test"}, []string{"SMTP_HOST:"}},
		{map[string]string{"SMTP_HOST": "smtp.example.com", "SMTP_FROM": "d@x.test", "SMTP_PORT": "70000", "SMTP_TLS": "ssl"},
			[]string{"SMTP_PORT:", "SMTP_TLS:"}},
		{map[string]string{"SMTP_HOST": "smtp.example.com", "SMTP_FROM": "d@x.test", "SMTP_PASSWORD": "p"}, []string{"SMTP_PASSWORD:"}},
		{map[string]string{"SMTP_PORT": "25", "SMTP_FROM": "d@x.test"}, []string{"SMTP_PORT:", "SMTP_FROM:"}},
	} {
		_, err := read(tc.env)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%v: want %s in %v", tc.env, w, err)
			}
		}
	}
}
