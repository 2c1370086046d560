package app_test

import (
	"strings"
	"testing"

	"github.com/atiende/atiende/server/internal/app"
)

func TestConfigDeskTimeZone(t *testing.T) {
	base := map[string]string{"DATABASE_URL": "postgres://u@h/db", "REDIS_URL": "redis://h:6379/0"}
	read := func(v string) (app.Config, error) {
		return app.ConfigFromEnv(func(k string) string {
			if k == "DESK_TIME_ZONE" {
				return v
			}
			return base[k]
		})
	}
	for v, want := range map[string]string{"": "America/Bogota", "Europe/Madrid": "Europe/Madrid", " UTC ": "UTC"} {
		c, err := read(v)
		if err != nil || c.DeskTimeZone == nil || c.DeskTimeZone.String() != want {
			t.Errorf("%q: got %v, %v; want %s", v, c.DeskTimeZone, err, want)
		}
	}
	for _, v := range []string{"Bogota", "America/Nowhere", "Local", "+05:00"} {
		if _, err := read(v); err == nil || !strings.Contains(err.Error(), "DESK_TIME_ZONE:") {
			t.Errorf("%q accepted: %v", v, err)
		}
	}
}
