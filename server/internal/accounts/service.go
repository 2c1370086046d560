package accounts

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/people"
)

// Service runs the accounts use cases, each in one transaction with its live event.
type Service struct {
	DB     bun.IDB
	Auth   *auth.Service
	People *people.Store
}

// keyRE is a role key, as the roles table checks it.
var keyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// maxRoleIDs bounds the custom roles of one account.
const maxRoleIDs = 50

func forbidden() error { return errs.New(errs.Forbidden, "accounts.forbidden") }

func invalid() *errs.Error { return errs.New(errs.Invalid, "error.invalid") }

func check(bad *errs.Error) error {
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// Roles lists every role.
func (s *Service) Roles(ctx context.Context, subj access.Subject) ([]Role, error) {
	if !access.CanListRoles(subj) {
		return nil, errs.New(errs.Forbidden, "accounts.roles_forbidden")
	}
	return listRoles(ctx, s.DB)
}

// slug makes a role key from a name: lower-case ASCII letters and digits joined by hyphens.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 32 {
		out = strings.TrimRight(out[:32], "-")
	}
	if out == "" {
		out = "role"
	}
	return out
}

// CreateRole adds a custom role.
func (s *Service) CreateRole(ctx context.Context, subj access.Subject, req NewRole) (*Role, error) {
	if !access.CanManageUsers(subj) {
		return nil, forbidden()
	}
	bad := invalid()
	req.NameES = cleanName("name_es", req.NameES, MaxRoleName, bad)
	req.NameEN = cleanName("name_en", req.NameEN, MaxRoleName, bad)
	req.Key = strings.TrimSpace(req.Key)
	if req.Key != "" && !keyRE.MatchString(req.Key) {
		bad.WithField("key", "accounts.role_key_format", nil)
	}
	perms := checkPerms("permissions", req.Permissions, bad)
	if err := check(bad); err != nil {
		return nil, err
	}
	var out *Role
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// One writer of new keys at a time, so that a chosen suffix is still free when inserted.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('atiende.roles.key'))"); err != nil {
			return fmt.Errorf("accounts: create role: %w", err)
		}
		key := req.Key
		if key == "" {
			base := slug(req.NameEN)
			key = base
			for i := 2; ; i++ {
				taken, err := tx.NewSelect().Table("roles").Where("key = ?", key).Exists(ctx)
				if err != nil {
					return fmt.Errorf("accounts: create role: %w", err)
				}
				if !taken {
					break
				}
				key = base + "-" + strconv.Itoa(i)
			}
		} else if taken, err := tx.NewSelect().Table("roles").Where("key = ?", key).Exists(ctx); err != nil {
			return fmt.Errorf("accounts: create role: %w", err)
		} else if taken {
			return errs.InvalidField("key", "accounts.role_key_taken", nil)
		}
		var id int64
		if err := tx.NewRaw("INSERT INTO roles (key, name_es, name_en) VALUES (?, ?, ?) RETURNING id",
			key, req.NameES, req.NameEN).Scan(ctx, &id); err != nil {
			if uniqueViolation(err) {
				return errs.InvalidField("key", "accounts.role_key_taken", nil)
			}
			return fmt.Errorf("accounts: create role: %w", err)
		}
		if err := setRolePerms(ctx, tx, id, perms); err != nil {
			return err
		}
		var err error
		out, err = roleByID(ctx, tx, id)
		return err
	})
	return out, err
}

// UpdateRole renames a role or changes its permissions; the admin role's permissions are fixed. A
// permissions change reaches every holder's live connections.
func (s *Service) UpdateRole(ctx context.Context, subj access.Subject, id int64, req RolePatch) (*Role, error) {
	if !access.CanManageUsers(subj) {
		return nil, forbidden()
	}
	bad := invalid()
	if req.Version <= 0 {
		bad.WithField("version", "field.required", nil)
	}
	nameES, setES := value(req.NameES, "name_es", bad)
	if setES {
		nameES = cleanName("name_es", nameES, MaxRoleName, bad)
	}
	nameEN, setEN := value(req.NameEN, "name_en", bad)
	if setEN {
		nameEN = cleanName("name_en", nameEN, MaxRoleName, bad)
	}
	keys, setPerms := value(req.Permissions, "permissions", bad)
	if setPerms {
		keys = checkPerms("permissions", keys, bad)
	}
	if err := check(bad); err != nil {
		return nil, err
	}
	var out *Role
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := lockRole(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Version != req.Version {
			cur, err := roleByID(ctx, tx, id)
			if err != nil {
				return err
			}
			e := errs.New(errs.Conflict, "accounts.role_stale")
			e.Current = cur
			return e
		}
		if setPerms && access.GrantsAll(access.Role(r.Key)) {
			return errs.InvalidField("permissions", "accounts.admin_perms", nil)
		}
		q := tx.NewUpdate().Table("roles").Set("version = version + 1").Where("id = ?", id)
		if setES {
			q = q.Set("name_es = ?", nameES)
		}
		if setEN {
			q = q.Set("name_en = ?", nameEN)
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("accounts: update role: %w", err)
		}
		if setPerms {
			before, err := roleByID(ctx, tx, id)
			if err != nil {
				return err
			}
			if !slices.Equal(before.Permissions, keys) {
				if err := setRolePerms(ctx, tx, id, keys); err != nil {
					return err
				}
				holders, err := people.UsersHolding(ctx, tx, []int64{id})
				if err != nil {
					return err
				}
				if err := live.AppendAccessChanged(ctx, tx, holders); err != nil {
					return err
				}
			}
		}
		out, err = roleByID(ctx, tx, id)
		return err
	})
	return out, err
}

// DeleteRole deletes a custom role nothing uses.
func (s *Service) DeleteRole(ctx context.Context, subj access.Subject, id int64) error {
	if !access.CanManageUsers(subj) {
		return forbidden()
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := lockRole(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Builtin {
			return errs.New(errs.Invalid, "accounts.role_builtin")
		}
		u, err := usageOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.any() {
			return errs.Newf(errs.Conflict, "accounts.role_in_use", map[string]any{"users": u.Users, "queues": u.Queues,
				"categories": u.Categories, "tickets": u.Tickets})
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM roles WHERE id = ?", id); err != nil {
			return fmt.Errorf("accounts: delete role: %w", err)
		}
		return nil
	})
}

// Users lists accounts.
func (s *Service) Users(ctx context.Context, subj access.Subject, q UserQuery) (UserList, error) {
	if !access.CanManageUsers(subj) {
		return UserList{}, forbidden()
	}
	return listUsers(ctx, s.DB, q)
}

// checkRoleIDs checks the custom roles of an account and returns them ascending.
func checkRoleIDs(ids []int64, bad *errs.Error) []int64 {
	if len(ids) > maxRoleIDs {
		bad.WithField("role_ids", "accounts.too_many_roles", map[string]any{"max": maxRoleIDs})
	}
	for _, id := range ids {
		if id <= 0 {
			bad.WithField("role_ids", "accounts.custom_role_unknown", nil)
		}
	}
	return access.SortIDs(ids)
}

// Invite creates an account waiting for its password and returns its link (origin: the desk's public
// address). A person without a login with that email (a requester) becomes the account, keeping their
// tickets.
func (s *Service) Invite(ctx context.Context, subj access.Subject, origin string, req NewUser) (*Created, error) {
	if !access.CanManageUsers(subj) {
		return nil, forbidden()
	}
	bad := invalid()
	req.Email = strings.TrimSpace(req.Email)
	switch {
	case req.Email == "":
		bad.WithField("email", "field.required", nil)
	case !validEmail(req.Email):
		bad.WithField("email", "field.email", nil)
	}
	req.Name = cleanName("name", req.Name, MaxUserName, bad)
	role := checkRole("role", req.Role, bad)
	if req.Locale == "" {
		req.Locale = string(i18n.Default)
	}
	checkLocale("locale", req.Locale, bad)
	ids := checkRoleIDs(req.RoleIDs, bad)
	if err := check(bad); err != nil {
		return nil, err
	}
	var out *Created
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := customRolesExist(ctx, tx, ids); err != nil {
			return err
		} else if !ok {
			return errs.InvalidField("role_ids", "accounts.custom_role_unknown", nil)
		}
		prev, err := lockUser(ctx, tx, "lower(u.email) = lower(?)", req.Email)
		if err != nil {
			return err
		}
		var id int64
		switch {
		case prev != nil && prev.IsAccount:
			return errs.InvalidField("email", "accounts.email_taken", nil)
		case prev != nil:
			id = prev.ID
			if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, locale = ?, disabled_at = NULL,
				version = version + 1, updated_at = now() WHERE id = ?`, req.Name, string(role), req.Locale, id); err != nil {
				return fmt.Errorf("accounts: invite: %w", err)
			}
		default:
			err := tx.NewRaw(`INSERT INTO users (email, name, password_hash, role, locale, kind) VALUES (?, ?, '', ?, ?, ?)
				RETURNING id`, req.Email, req.Name, string(role), req.Locale, kindFor(role)).Scan(ctx, &id)
			if uniqueViolation(err) {
				// The same email was registered at this moment by someone else: the admin tries again.
				return errs.New(errs.Conflict, "error.conflict")
			}
			if err != nil {
				return fmt.Errorf("accounts: invite: %w", err)
			}
		}
		if err := setUserRoles(ctx, tx, id, ids); err != nil {
			return err
		}
		token, expires, err := issueLink(ctx, tx, id, subj.UserID, PurposeInvite, InviteTTL)
		if err != nil {
			return err
		}
		u, err := userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = &Created{User: *u, URL: linkURL(origin, token), ExpiresAt: expires}
		return nil
	})
	return out, err
}

// linkURL is the set-password page of a token; the token rides in the fragment, which browsers do not
// send to servers nor put in Referer headers.
func linkURL(origin, token string) string {
	return strings.TrimSuffix(origin, "/") + "/set-password#token=" + token
}

// validEmail is a light check of an address: one @ with something on each side and a dot in the domain;
// the invitation itself proves the address.
func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n<>,;") &&
		!strings.Contains(domain, "@") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") &&
		utf8.RuneCountInString(s) <= 254
}

// UpdateUser changes an account. Disabling ends its sessions and unused links; any change to what the
// account may do reaches its live connections. Nobody disables themselves or gives up their own admin
// role, and one enabled admin always remains.
func (s *Service) UpdateUser(ctx context.Context, subj access.Subject, id int64, req UserPatch) (*AdminUser, error) {
	if !access.CanManageUsers(subj) {
		return nil, forbidden()
	}
	bad := invalid()
	if req.Version <= 0 {
		bad.WithField("version", "field.required", nil)
	}
	name, setName := value(req.Name, "name", bad)
	if setName {
		name = cleanName("name", name, MaxUserName, bad)
	}
	roleKey, setRole := value(req.Role, "role", bad)
	var role access.Role
	if setRole {
		role = checkRole("role", roleKey, bad)
	}
	ids, setIDs := value(req.RoleIDs, "role_ids", bad)
	if setIDs {
		ids = checkRoleIDs(ids, bad)
	}
	locale, setLocale := value(req.Locale, "locale", bad)
	if setLocale {
		checkLocale("locale", locale, bad)
	}
	disabled, setDisabled := value(req.Disabled, "disabled", bad)
	if err := check(bad); err != nil {
		return nil, err
	}
	var out *AdminUser
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		u, err := lockUser(ctx, tx, "u.id = ?", id)
		if err != nil {
			return err
		}
		if u == nil || !u.IsAccount {
			return errs.New(errs.NotFound, "accounts.user_not_found")
		}
		if u.Version != req.Version {
			cur, err := userByID(ctx, tx, id)
			if err != nil {
				return err
			}
			e := errs.New(errs.Conflict, "accounts.user_stale")
			e.Current = cur
			return e
		}
		if setIDs {
			if ok, err := customRolesExist(ctx, tx, ids); err != nil {
				return err
			} else if !ok {
				return errs.InvalidField("role_ids", "accounts.custom_role_unknown", nil)
			}
		}
		disabling := setDisabled && disabled && !u.Disabled
		enabling := setDisabled && !disabled && u.Disabled
		roleChanged := setRole && role != u.Role
		idsChanged := setIDs && !slices.Equal(ids, u.CustomRole)
		if id == subj.UserID {
			if disabling {
				return errs.InvalidField("disabled", "accounts.self_disable", nil)
			}
			if roleChanged && access.GrantsAll(u.Role) && !access.GrantsAll(role) {
				return errs.InvalidField("role", "accounts.self_demote", nil)
			}
		}
		// An enabled admin with a login who stops being one (disabled, or given another role) must not be
		// the last: the desk would have nobody left to manage it.
		if access.GrantsAll(u.Role) && !u.Disabled && u.HasLogin && (disabling || (roleChanged && !access.GrantsAll(role))) {
			n, err := otherEnabledAdmins(ctx, tx, id)
			if err != nil {
				return err
			}
			if n == 0 {
				field := "role"
				if disabling {
					field = "disabled"
				}
				return errs.InvalidField(field, "accounts.last_admin", nil)
			}
		}
		if !(setName || setRole || setLocale || idsChanged || disabling || enabling) {
			out, err = userByID(ctx, tx, id)
			return err
		}
		q := tx.NewUpdate().Table("users").Set("version = version + 1").Set("updated_at = now()").Where("id = ?", id)
		if setName {
			q = q.Set("name = ?", name)
		}
		if setRole {
			q = q.Set("role = ?", string(role))
		}
		if setLocale {
			q = q.Set("locale = ?", locale)
		}
		if disabling {
			q = q.Set("disabled_at = now()")
		}
		if enabling {
			q = q.Set("disabled_at = NULL")
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("accounts: update user: %w", err)
		}
		if idsChanged {
			if err := setUserRoles(ctx, tx, id, ids); err != nil {
				return err
			}
		}
		if disabling {
			if err := auth.DeleteSessions(ctx, tx, id); err != nil {
				return err
			}
			if err := endLinks(ctx, tx, id); err != nil {
				return err
			}
		}
		if roleChanged || idsChanged || disabling || enabling {
			if err := live.AppendAccessChanged(ctx, tx, []int64{id}); err != nil {
				return err
			}
		}
		out, err = userByID(ctx, tx, id)
		return err
	})
	return out, err
}

// NewLink issues a fresh link for an account: an invitation while it has no password, else a reset.
// Earlier unused links of the account stop working.
func (s *Service) NewLink(ctx context.Context, subj access.Subject, origin string, id int64) (*Invitation, error) {
	if !access.CanManageUsers(subj) {
		return nil, forbidden()
	}
	var out *Invitation
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		u, err := lockUser(ctx, tx, "u.id = ?", id)
		if err != nil {
			return err
		}
		if u == nil || !u.IsAccount {
			return errs.New(errs.NotFound, "accounts.user_not_found")
		}
		if u.Disabled {
			return errs.New(errs.Invalid, "accounts.link_disabled")
		}
		purpose, ttl := PurposeInvite, InviteTTL
		if u.HasLogin {
			purpose, ttl = PurposeReset, ResetTTL
		}
		token, expires, err := issueLink(ctx, tx, id, subj.UserID, purpose, ttl)
		if err != nil {
			return err
		}
		out = &Invitation{URL: linkURL(origin, token), ExpiresAt: expires}
		return nil
	})
	return out, err
}

func gone() error { return errs.New(errs.NotFound, "accounts.link_gone") }

// Link returns what a usable link is for; any other token is gone.
func (s *Service) Link(ctx context.Context, token string) (*LinkInfo, error) {
	l, err := usableLink(ctx, s.DB, token, false)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, gone()
	}
	return &l.LinkInfo, nil
}

// checkPassword checks a new password's length.
func checkPassword(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < auth.MinPasswordLen:
		return errs.InvalidField("password", "accounts.password_short", map[string]any{"min": auth.MinPasswordLen})
	case n > auth.MaxPasswordLen:
		return errs.InvalidField("password", "field.max", map[string]any{"param": auth.MaxPasswordLen})
	}
	return nil
}

// SetPassword sets the password of a link's account, uses the link up (and every other of the
// account's), and opens a session, returning its token. A reset also ends the account's other sessions.
func (s *Service) SetPassword(ctx context.Context, req SetPassword) (string, *people.User, error) {
	if err := checkPassword(req.Password); err != nil {
		return "", nil, err
	}
	if l, err := usableLink(ctx, s.DB, req.Token, false); err != nil {
		return "", nil, err
	} else if l == nil {
		return "", nil, gone()
	}
	// Hashing takes a while and memory: done once the link is known good, outside the transaction.
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		return "", nil, err
	}
	var token string
	var user *people.User
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		l, err := usableLink(ctx, tx, req.Token, true)
		if err != nil {
			return err
		}
		if l == nil {
			return gone()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, version = version + 1, updated_at = now()
			WHERE id = ?`, hash, l.UserID); err != nil {
			return fmt.Errorf("accounts: set password: %w", err)
		}
		if err := endLinks(ctx, tx, l.UserID); err != nil {
			return err
		}
		if l.HasLogin {
			if err := auth.DeleteSessions(ctx, tx, l.UserID); err != nil {
				return err
			}
			// Their open screens reload and find their session gone.
			if err := live.AppendAccessChanged(ctx, tx, []int64{l.UserID}); err != nil {
				return err
			}
		}
		if token, err = s.Auth.OpenSession(ctx, tx, l.UserID); err != nil {
			return err
		}
		user, err = s.People.ByIDIn(ctx, tx, l.UserID)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, user, nil
}
