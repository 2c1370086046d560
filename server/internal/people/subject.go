package people

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
)

// grants is what a user's roles give them, read in one round trip.
type grants struct {
	RoleIDs []int64  `bun:"role_ids,array"`
	Perms   []string `bun:"perms,array"`
	Queues  []int64  `bun:"queues,array"`
}

// grantsSQL selects, for user ?0 with primary role ?1: every role id they hold (the primary role's row
// and their custom roles), the permissions those roles grant, and the queues they supervise.
const grantsSQL = `SELECT
	ARRAY(SELECT r.id FROM roles r WHERE r.key = ?1 UNION SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = ?0 ORDER BY 1) AS role_ids,
	ARRAY(SELECT DISTINCT rp.permission FROM role_permissions rp JOIN roles r ON r.id = rp.role_id
	       WHERE r.key = ?1 OR r.id IN (SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = ?0)) AS perms,
	ARRAY(SELECT q.id FROM queues q WHERE q.supervisor_ids @> ARRAY[?0::bigint] ORDER BY q.id) AS queues`

// SubjectOf returns the subject a user acts as: their roles, what those grant, the queues they supervise.
func (s *Store) SubjectOf(ctx context.Context, u *User) (access.Subject, error) {
	return SubjectIn(ctx, s.db, u)
}

// SubjectIn is SubjectOf in the caller's transaction.
func SubjectIn(ctx context.Context, db bun.IDB, u *User) (access.Subject, error) {
	var g grants
	if err := db.NewRaw(grantsSQL, u.ID, string(u.Role)).Scan(ctx, &g); err != nil {
		return access.Subject{}, fmt.Errorf("people: subject: %w", err)
	}
	return access.Subject{UserID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Locale: u.Locale,
		RoleIDs: g.RoleIDs, Perms: access.PermSetOf(g.Perms), Queues: g.Queues}, nil
}

// ActiveSubject returns the subject of an enabled user, and false when the user is gone or disabled (the
// live hub asks it when a user's roles or state change).
func (s *Store) ActiveSubject(ctx context.Context, id int64) (access.Subject, bool, error) {
	u, err := s.ByID(ctx, id)
	if err != nil || u == nil || u.DisabledAt != nil {
		return access.Subject{}, false, err
	}
	subj, err := s.SubjectOf(ctx, u)
	if err != nil {
		return access.Subject{}, false, err
	}
	return subj, true, nil
}

// assignableSQL restricts users (aliased u) to those who may be given tickets: enabled, with a login,
// and holding the permission access.AssignPerm through one of their roles (or the admin role).
// It is access.CanBeAssigned over a list: ?0 is access.AssignPerm's key, ?1 the role that holds every
// permission (access.GrantsAll).
const assignableSQL = `u.disabled_at IS NULL AND u.password_hash <> '' AND (u.role = ?1 OR EXISTS (
	SELECT 1 FROM role_permissions rp JOIN roles r ON r.id = rp.role_id
	 WHERE rp.permission = ?0 AND (r.key = u.role OR r.id IN (SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id))))`

// Assignees lists the enabled users who can be given tickets, by name.
func (s *Store) Assignees(ctx context.Context) ([]Ref, error) {
	var refs []Ref
	err := s.db.NewSelect().TableExpr("users AS u").Column("u.id", "u.name").
		Where(assignableSQL, access.AssignPerm.Key(), string(access.Admin)).OrderExpr("u.name, u.id").Scan(ctx, &refs)
	if err != nil {
		return nil, fmt.Errorf("people: assignees: %w", err)
	}
	return refs, nil
}

// UsersHolding lists the enabled users who hold any of these role ids (as primary or custom role), so
// that a change to those roles reaches their live connections.
func UsersHolding(ctx context.Context, db bun.IDB, roleIDs []int64) ([]int64, error) {
	if len(roleIDs) == 0 {
		return nil, nil
	}
	var ids []int64
	err := db.NewRaw(`SELECT u.id FROM users u JOIN roles r ON r.key = u.role WHERE r.id = ANY(?0) AND u.disabled_at IS NULL
		UNION SELECT ur.user_id FROM user_roles ur WHERE ur.role_id = ANY(?0) ORDER BY 1`, pgdialect.Array(roleIDs)).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("people: users holding: %w", err)
	}
	return ids, nil
}

// MissingRoles returns those of ids that are not roles.
func MissingRoles(ctx context.Context, db bun.IDB, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var missing []int64
	err := db.NewRaw(`SELECT x FROM unnest(?::bigint[]) AS x WHERE NOT EXISTS (SELECT 1 FROM roles r WHERE r.id = x) ORDER BY x`,
		pgdialect.Array(ids)).Scan(ctx, &missing)
	if err != nil {
		return nil, fmt.Errorf("people: roles: %w", err)
	}
	return missing, nil
}
