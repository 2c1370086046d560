package access_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/db"
	"github.com/atiende/atiende/server/internal/testutil"
)

func TestDefaultsMatchTheMigratedRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := db.Open(ctx, testutil.DB(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, r := range access.Roles {
		var keys []string
		if err := d.Bun.NewRaw(`SELECT ARRAY(SELECT rp.permission FROM roles r JOIN role_permissions rp ON rp.role_id = r.id
			WHERE r.key = ? AND r.builtin ORDER BY rp.permission)`, string(r)).Scan(ctx, pgdialect.Array(&keys)); err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if _, ok := access.ParsePerm(k); !ok {
				t.Errorf("%s: the migration grants %q, which the code does not define", r, k)
			}
		}
		if r == access.Admin {
			// The admin holds every permission in code; the migration writes no rows for it.
			if len(keys) != 0 || access.Defaults(r) != access.AllPermSet() {
				t.Errorf("admin: rows %v, defaults %v", keys, access.Defaults(r).Keys())
			}
			continue
		}
		if want := access.Defaults(r).Keys(); !slices.Equal(keys, want) {
			t.Errorf("%s: the migration grants %v, access.Defaults %v", r, keys, want)
		}
	}
	var roles int
	if err := d.Bun.NewRaw("SELECT count(*) FROM roles WHERE builtin").Scan(ctx, &roles); err != nil {
		t.Fatal(err)
	}
	if roles != len(access.Roles) {
		t.Errorf("the migration has %d built-in roles, the code %d", roles, len(access.Roles))
	}
}
