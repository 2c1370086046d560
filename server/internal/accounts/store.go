package accounts

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/tokens"
)

// accountSQL restricts users (aliased u) to accounts: persons with a login, or to whom an invitation was
// ever issued. Other persons (requesters created from a ticket) are people's, not the users admin's.
const accountSQL = `(u.password_hash <> '' OR EXISTS (SELECT 1 FROM user_tokens it WHERE it.user_id = u.id AND it.purpose = 'invite'))`

// userColumns selects an AdminUser from users aliased u.
const userColumns = `u.id, u.name, u.email, u.role, u.locale, u.kind, u.created_at, u.version,
	ARRAY(SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id ORDER BY 1) AS role_ids,
	CASE WHEN u.disabled_at IS NOT NULL THEN 'disabled' WHEN u.password_hash <> '' THEN 'active' ELSE 'invited' END AS status,
	CASE WHEN u.disabled_at IS NULL AND u.password_hash = '' THEN (SELECT max(t.expires_at) FROM user_tokens t
		WHERE t.user_id = u.id AND t.purpose = 'invite' AND t.used_at IS NULL) END AS invite_expires_at`

// statusSQL is the condition of each account status.
var statusSQL = map[string]string{
	StatusDisabled: "u.disabled_at IS NOT NULL",
	StatusActive:   "u.disabled_at IS NULL AND u.password_hash <> ''",
	StatusInvited:  "u.disabled_at IS NULL AND u.password_hash = ''",
}

// roleColumns selects a Role from roles aliased r; accounts holding it as their primary role or as a
// custom one are counted, disabled ones included (they still hold it).
const roleColumns = `r.id, r.key, r.name_es, r.name_en, r.builtin, r.version,
	ARRAY(SELECT rp.permission FROM role_permissions rp WHERE rp.role_id = r.id ORDER BY 1) AS permissions,
	(SELECT count(*) FROM users u WHERE (r.builtin AND u.role = r.key AND ` + accountSQL + `)
		OR u.id IN (SELECT ur.user_id FROM user_roles ur WHERE ur.role_id = r.id)) AS users_count`

// roleOrder lists built-in roles first in their fixed order, then custom ones by name.
const roleOrder = `r.builtin DESC, array_position(ARRAY['admin','supervisor','agent','consultant','customer'], r.key), lower(r.name_es), r.id`

func nonNilRole(r *Role) {
	if access.GrantsAll(access.Role(r.Key)) {
		r.Permissions = access.AllPermSet().Keys()
	}
	if r.Permissions == nil {
		r.Permissions = []string{}
	}
}

func nonNilUser(u *AdminUser) {
	if u.RoleIDs == nil {
		u.RoleIDs = []int64{}
	}
}

// listRoles returns every role in the admin's order.
func listRoles(ctx context.Context, db bun.IDB) ([]Role, error) {
	out := []Role{}
	if err := db.NewRaw("SELECT "+roleColumns+" FROM roles r ORDER BY "+roleOrder).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("accounts: roles: %w", err)
	}
	for i := range out {
		nonNilRole(&out[i])
	}
	return out, nil
}

// roleByID returns a role, or nil.
func roleByID(ctx context.Context, db bun.IDB, id int64) (*Role, error) {
	var out []Role
	if err := db.NewRaw("SELECT "+roleColumns+" FROM roles r WHERE r.id = ?", id).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("accounts: role: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	nonNilRole(&out[0])
	return &out[0], nil
}

// roleRow is a role as locked for a change.
type roleRow struct {
	ID      int64  `bun:"id"`
	Key     string `bun:"key"`
	Builtin bool   `bun:"builtin"`
	Version int64  `bun:"version"`
}

func lockRole(ctx context.Context, tx bun.IDB, id int64) (*roleRow, error) {
	r := new(roleRow)
	err := tx.NewRaw("SELECT id, key, builtin, version FROM roles WHERE id = ? FOR UPDATE", id).Scan(ctx, r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "accounts.role_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: lock role: %w", err)
	}
	return r, nil
}

func setRolePerms(ctx context.Context, tx bun.IDB, roleID int64, keys []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM role_permissions WHERE role_id = ?", roleID); err != nil {
		return fmt.Errorf("accounts: role permissions: %w", err)
	}
	if len(keys) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO role_permissions (role_id, permission) SELECT ?, unnest(?::text[])",
		roleID, pgdialect.Array(keys)); err != nil {
		return fmt.Errorf("accounts: role permissions: %w", err)
	}
	return nil
}

// customRolesExist reports whether every id is a custom (not built-in) role.
func customRolesExist(ctx context.Context, db bun.IDB, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return true, nil
	}
	n, err := db.NewSelect().Table("roles").Where("id IN (?)", bun.In(ids)).Where("NOT builtin").Count(ctx)
	if err != nil {
		return false, fmt.Errorf("accounts: custom roles: %w", err)
	}
	return n == int64(len(ids)), nil
}

// roleUsage is where a role is used, which keeps it from being deleted.
type roleUsage struct {
	Users      int64 `bun:"users"`
	Queues     int64 `bun:"queues"`
	Categories int64 `bun:"categories"`
	Tickets    int64 `bun:"tickets"`
}

func (u roleUsage) any() bool { return u.Users+u.Queues+u.Categories+u.Tickets > 0 }

func usageOf(ctx context.Context, db bun.IDB, id int64) (roleUsage, error) {
	var u roleUsage
	err := db.NewRaw(`SELECT (SELECT count(*) FROM user_roles WHERE role_id = ?0) AS users,
		(SELECT count(*) FROM queues WHERE role_ids @> ARRAY[?0::bigint]) AS queues,
		(SELECT count(*) FROM categories WHERE role_ids @> ARRAY[?0::bigint]) AS categories,
		(SELECT count(*) FROM tickets WHERE allowed_roles @> ARRAY[?0::bigint]) AS tickets`, id).Scan(ctx, &u)
	if err != nil {
		return u, fmt.Errorf("accounts: role usage: %w", err)
	}
	return u, nil
}

// userByID returns an account, or nil (also for a person without a login).
func userByID(ctx context.Context, db bun.IDB, id int64) (*AdminUser, error) {
	var out []AdminUser
	if err := db.NewRaw("SELECT "+userColumns+" FROM users u WHERE u.id = ? AND "+accountSQL, id).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("accounts: user: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	nonNilUser(&out[0])
	return &out[0], nil
}

// userRow is an account as locked for a change.
type userRow struct {
	ID         int64       `bun:"id"`
	Role       access.Role `bun:"role"`
	HasLogin   bool        `bun:"has_login"`
	Disabled   bool        `bun:"disabled"`
	Version    int64       `bun:"version"`
	IsAccount  bool        `bun:"is_account"`
	CustomRole []int64     `bun:"role_ids,array"`
}

func lockUser(ctx context.Context, tx bun.IDB, where string, arg any) (*userRow, error) {
	var out []userRow
	err := tx.NewRaw(`SELECT u.id, u.role, u.password_hash <> '' AS has_login, u.disabled_at IS NOT NULL AS disabled, u.version,
		`+accountSQL+` AS is_account, ARRAY(SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id ORDER BY 1) AS role_ids
		FROM users u WHERE `+where+` FOR UPDATE OF u`, arg).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("accounts: lock user: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return &out[0], nil
}

func setUserRoles(ctx context.Context, tx bun.IDB, userID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_roles WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("accounts: user roles: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO user_roles (user_id, role_id) SELECT ?, unnest(?::bigint[])",
		userID, pgdialect.Array(ids)); err != nil {
		return fmt.Errorf("accounts: user roles: %w", err)
	}
	return nil
}

// otherEnabledAdmins counts the enabled admins with a login other than userID, locking their rows so
// that two admins demoting each other at once cannot both succeed.
func otherEnabledAdmins(ctx context.Context, tx bun.IDB, userID int64) (int, error) {
	var ids []int64
	err := tx.NewRaw(`SELECT id FROM users WHERE role = ? AND disabled_at IS NULL AND password_hash <> '' AND id <> ?
		ORDER BY id FOR UPDATE`, string(access.Admin), userID).Scan(ctx, &ids)
	if err != nil {
		return 0, fmt.Errorf("accounts: admins: %w", err)
	}
	return len(ids), nil
}

// sortName is the order of the users list: by name as people read it, whatever the case and accents.
// Accounts are few (staff and the customers who log in), so the sort needs no index of its own.
const sortName = "lower(atiende_unaccent(u.name))"

// userCursor is the position after the last row of a page of accounts.
type userCursor struct {
	Name string `json:"n"`
	ID   int64  `json:"i"`
}

func (c userCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeUserCursor(s string) (userCursor, error) {
	var c userCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 {
		return c, errs.New(errs.Invalid, "board.bad_cursor").WithField("cursor", "board.bad_cursor", nil)
	}
	return c, nil
}

// likePattern is a substring pattern for ILIKE with the wildcards of q taken literally.
func likePattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

// listUsers returns a page of accounts by name, then id.
func listUsers(ctx context.Context, db bun.IDB, q UserQuery) (UserList, error) {
	sel := db.NewSelect().TableExpr("users AS u").ColumnExpr(userColumns).Where(accountSQL)
	if q.Text != "" {
		like := likePattern(q.Text)
		sel = sel.Where("(atiende_unaccent(u.name) ILIKE atiende_unaccent(?) OR u.email ILIKE ?)", like, like)
	}
	if q.Role != "" {
		sel = sel.Where("u.role = ?", q.Role)
	}
	if q.Status != "" {
		sel = sel.Where(statusSQL[q.Status])
	}
	if q.Cursor != "" {
		c, err := decodeUserCursor(q.Cursor)
		if err != nil {
			return UserList{}, err
		}
		sel = sel.Where("("+sortName+", u.id) > (?, ?)", c.Name, c.ID)
	}
	items := []AdminUser{}
	if err := sel.ColumnExpr(sortName+" AS sort_name").OrderExpr(sortName+", u.id").Limit(int64(q.Limit+1)).Scan(ctx, &items); err != nil {
		return UserList{}, fmt.Errorf("accounts: list users: %w", err)
	}
	out := UserList{Items: items}
	if len(items) > q.Limit {
		out.Items = items[:q.Limit]
		last := out.Items[q.Limit-1]
		next := userCursor{Name: last.SortName, ID: last.ID}.encode()
		out.NextCursor = &next
	}
	for i := range out.Items {
		nonNilUser(&out.Items[i])
	}
	return out, nil
}

// issueLink makes a fresh set-password link for a user, ending their earlier unused ones.
func issueLink(ctx context.Context, tx bun.IDB, userID, by int64, purpose string, ttl time.Duration) (string, time.Time, error) {
	token, err := tokens.New()
	if err != nil {
		return "", time.Time{}, err
	}
	expires := time.Now().Add(ttl).UTC().Truncate(time.Microsecond)
	if err := endLinks(ctx, tx, userID); err != nil {
		return "", time.Time{}, err
	}
	var createdBy any
	if by != 0 {
		createdBy = by
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_tokens (token_hash, user_id, purpose, created_by, expires_at)
		VALUES (?, ?, ?, ?, ?)`, tokens.Hash(token), userID, purpose, createdBy, expires); err != nil {
		return "", time.Time{}, fmt.Errorf("accounts: issue link: %w", err)
	}
	return token, expires, nil
}

// endLinks makes a user's unused links stop working.
func endLinks(ctx context.Context, tx bun.IDB, userID int64) error {
	if _, err := tx.ExecContext(ctx, "UPDATE user_tokens SET used_at = now() WHERE user_id = ? AND used_at IS NULL", userID); err != nil {
		return fmt.Errorf("accounts: end links: %w", err)
	}
	return nil
}

// linkRow is a usable link with its user.
type linkRow struct {
	LinkInfo
	UserID   int64 `bun:"user_id"`
	HasLogin bool  `bun:"has_login"`
}

// usableLink returns the link of a token that is unused, unexpired and of an enabled user; lock takes
// the link's row for the rest of the transaction, so that it is used once.
func usableLink(ctx context.Context, db bun.IDB, token string, lock bool) (*linkRow, error) {
	if token == "" {
		return nil, nil
	}
	q := `SELECT t.user_id, t.purpose, t.expires_at, u.email, u.name, u.password_hash <> '' AS has_login
		FROM user_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.used_at IS NULL AND t.expires_at > now() AND u.disabled_at IS NULL`
	if lock {
		q += " FOR UPDATE OF t, u"
	}
	var out []linkRow
	if err := db.NewRaw(q, tokens.Hash(token)).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("accounts: link: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return &out[0], nil
}
