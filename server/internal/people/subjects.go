package people

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/i18n"
)

// subjectsSQL is grantsSQL for many enabled users at once, each with their profile.
const subjectsSQL = `SELECT u.id, u.name, u.email, u.role, u.locale,
	ARRAY(SELECT r.id FROM roles r WHERE r.key = u.role UNION SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id ORDER BY 1) AS role_ids,
	ARRAY(SELECT DISTINCT rp.permission FROM role_permissions rp JOIN roles r ON r.id = rp.role_id
	       WHERE r.key = u.role OR r.id IN (SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id)) AS perms,
	ARRAY(SELECT q.id FROM queues q WHERE q.supervisor_ids @> ARRAY[u.id] ORDER BY q.id) AS queues
	FROM users u WHERE u.id IN (?) AND u.disabled_at IS NULL`

// SubjectsIn returns the subjects of the enabled users among ids, in one query (disabled or missing users
// are absent), for decisions about many users at once, such as who of a ticket's watchers still sees it.
func SubjectsIn(ctx context.Context, db bun.IDB, ids []int64) (map[int64]access.Subject, error) {
	out := make(map[int64]access.Subject, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID     int64       `bun:"id"`
		Name   string      `bun:"name"`
		Email  string      `bun:"email"`
		Role   access.Role `bun:"role"`
		Locale i18n.Locale `bun:"locale"`
		grants
	}
	if err := db.NewRaw(subjectsSQL, bun.In(ids)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("people: subjects: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = access.Subject{UserID: r.ID, Name: r.Name, Email: r.Email, Role: r.Role, Locale: r.Locale,
			RoleIDs: r.RoleIDs, Perms: access.PermSetOf(r.Perms), Queues: r.Queues}
	}
	return out, nil
}
