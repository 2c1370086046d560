// Package accounts owns who may log in and what they may do: the users admin (invitations, roles,
// disabling), the roles and the permissions they grant, and the set-password links. Persons as such
// (contacts, genealogy) belong to people; sessions and passwords to auth.
package accounts

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// The lengths of names.
const (
	MaxRoleName = 80
	MaxUserName = 120
)

// The lifetimes of set-password links: an invitation waits for a new colleague, a reset is meant to be
// used at once.
const (
	InviteTTL = 7 * 24 * time.Hour
	ResetTTL  = 24 * time.Hour
)

// The purposes of a set-password link.
const (
	PurposeInvite = "invite"
	PurposeReset  = "reset"
)

// The statuses of an account.
const (
	StatusActive   = "active"
	StatusInvited  = "invited"
	StatusDisabled = "disabled"
)

// Statuses lists the account statuses, as the users filter accepts them.
var Statuses = []string{StatusActive, StatusInvited, StatusDisabled}

// Permission is one permission as the roles grid lists it: its key and the area it belongs to.
type Permission struct {
	Key   string `json:"key"`
	Group string `json:"group"`
}

// Permissions lists every permission in access.AllPerms order.
func Permissions() []Permission {
	out := make([]Permission, 0, len(access.AllPerms()))
	for _, p := range access.AllPerms() {
		k := p.Key()
		group, _, _ := strings.Cut(k, ".")
		out = append(out, Permission{Key: k, Group: group})
	}
	return out
}

// Role is a role as the admin shows it: built in or custom, with the permissions it grants and how many
// accounts hold it.
type Role struct {
	ID          int64    `json:"id" bun:"id"`
	Key         string   `json:"key" bun:"key"`
	NameES      string   `json:"name_es" bun:"name_es"`
	NameEN      string   `json:"name_en" bun:"name_en"`
	Builtin     bool     `json:"builtin" bun:"builtin"`
	Permissions []string `json:"permissions" bun:"permissions,array"`
	UsersCount  int64    `json:"users_count" bun:"users_count"`
	Version     int64    `json:"version" bun:"version"`
}

// AdminUser is an account as the users admin shows it.
type AdminUser struct {
	ID              int64      `json:"id" bun:"id"`
	Name            string     `json:"name" bun:"name"`
	Email           string     `json:"email" bun:"email"`
	Role            string     `json:"role" bun:"role"`
	RoleIDs         []int64    `json:"role_ids" bun:"role_ids,array"`
	Locale          string     `json:"locale" bun:"locale"`
	Kind            string     `json:"kind" bun:"kind"`
	Status          string     `json:"status" bun:"status"`
	InviteExpiresAt *time.Time `json:"invite_expires_at" bun:"invite_expires_at"`
	CreatedAt       time.Time  `json:"created_at" bun:"created_at"`
	Version         int64      `json:"version" bun:"version"`

	SortName string `json:"-" bun:"sort_name"` // the list's sort key, for its cursor
}

// UserList is a page of accounts.
type UserList struct {
	Items      []AdminUser `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

// Invitation is a fresh set-password link.
type Invitation struct {
	URL       string    `json:"invite_url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Created is an account just invited, with its link.
type Created struct {
	User      AdminUser `json:"user"`
	URL       string    `json:"invite_url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// LinkInfo is what the set-password page shows about a link before the password is chosen.
type LinkInfo struct {
	Email     string    `json:"email" bun:"email"`
	Name      string    `json:"name" bun:"name"`
	Purpose   string    `json:"purpose" bun:"purpose"`
	ExpiresAt time.Time `json:"expires_at" bun:"expires_at"`
}

// UserQuery filters the users admin's list.
type UserQuery struct {
	Text   string
	Role   string
	Status string
	Limit  int
	Cursor string
}

// NewRole is a request to create a custom role.
type NewRole struct {
	Key         string   `json:"key"`
	NameES      string   `json:"name_es"`
	NameEN      string   `json:"name_en"`
	Permissions []string `json:"permissions"`
}

// RolePatch changes a role; absent fields stay as they are.
type RolePatch struct {
	Version     int64              `json:"version"`
	NameES      Optional[string]   `json:"name_es"`
	NameEN      Optional[string]   `json:"name_en"`
	Permissions Optional[[]string] `json:"permissions"`
}

// NewUser is a request to invite someone.
type NewUser struct {
	Email   string  `json:"email"`
	Name    string  `json:"name"`
	Role    string  `json:"role"`
	RoleIDs []int64 `json:"role_ids"`
	Locale  string  `json:"locale"`
}

// UserPatch changes an account; absent fields stay as they are.
type UserPatch struct {
	Version  int64             `json:"version"`
	Name     Optional[string]  `json:"name"`
	Role     Optional[string]  `json:"role"`
	RoleIDs  Optional[[]int64] `json:"role_ids"`
	Locale   Optional[string]  `json:"locale"`
	Disabled Optional[bool]    `json:"disabled"`
}

// SetPassword is the set-password form.
type SetPassword struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// Optional is a field of a partial update: absent, JSON null or a value (see httpx.Optional).
type Optional[T any] = httpx.Optional[T]

// value returns the value of a present field, adding a message when it is null (none of these fields
// may be cleared).
func value[T any](o Optional[T], field string, bad *errs.Error) (T, bool) {
	if !o.Set {
		var zero T
		return zero, false
	}
	if o.Null {
		bad.WithField(field, "field.not_null", nil)
		return o.Value, false
	}
	return o.Value, true
}

// cleanName trims a name and checks its length, adding a message to bad when it is wrong.
func cleanName(field, s string, limit int, bad *errs.Error) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		bad.WithField(field, "field.required", nil)
	case utf8.RuneCountInString(s) > limit:
		bad.WithField(field, "field.max", map[string]any{"param": limit})
	}
	return s
}

// checkRole checks a built-in role key.
func checkRole(field, s string, bad *errs.Error) access.Role {
	r := access.Role(s)
	if !r.Valid() {
		bad.WithField(field, "accounts.role_unknown", nil)
	}
	return r
}

// checkLocale checks a language.
func checkLocale(field, s string, bad *errs.Error) {
	if s != "es" && s != "en" {
		bad.WithField(field, "field.oneof", map[string]any{"param": "es en"})
	}
}

// checkPerms checks permission keys and returns them sorted, without repeats.
func checkPerms(field string, keys []string, bad *errs.Error) []string {
	var ps access.PermSet
	for _, k := range keys {
		p, ok := access.ParsePerm(k)
		if !ok {
			bad.WithField(field, "accounts.perm_unknown", map[string]any{"key": k})
			return nil
		}
		ps = ps.With(p)
	}
	return ps.Keys()
}

// kindFor is the kind of person a new account starts as: the people admin may change it later.
func kindFor(r access.Role) string {
	switch r {
	case access.Customer:
		return "customer"
	case access.Consultant:
		return "consultant"
	}
	return "employee"
}
