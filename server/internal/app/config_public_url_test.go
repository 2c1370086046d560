package app_test

import (
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
)

func TestConfigPublicURL(t *testing.T) {
	base := map[string]string{"DATABASE_URL": "postgres://u@h/db", "REDIS_URL": "redis://h:6379/0"}
	read := func(v string) (app.Config, error) {
		return app.ConfigFromEnv(func(k string) string {
			if k == "PUBLIC_URL" {
				return v
			}
			return base[k]
		})
	}
	for v, want := range map[string]string{"": "", "https://desk.example.com": "https://desk.example.com",
		"http://127.0.0.1:8080/": "http://127.0.0.1:8080"} {
		c, err := read(v)
		if err != nil || c.PublicURL != want {
			t.Errorf("%q: got %q, %v; want %q", v, c.PublicURL, err, want)
		}
	}
	for _, v := range []string{"desk.example.com", "ftp://desk.example.com", "https://desk.example.com/app", "https://", "https://x.test/?a=1"} {
		if _, err := read(v); err == nil || !strings.Contains(err.Error(), "PUBLIC_URL:") {
			t.Errorf("%q accepted: %v", v, err)
		}
	}
}
