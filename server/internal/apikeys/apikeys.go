// Package apikeys owns the API keys bots and other systems act with: the admin creates a key with
// scopes (its secret shown once, only its SHA-256 kept), lists and revokes keys; a request carrying
// "Authorization: Bearer <secret>" acts as the key's own service user, on the few routes keys may call.
package apikeys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/people"
)

// The secret's form: "atk_" + an 8-hex-digit prefix (shown in lists, unique) + "_" + 43 characters of
// base64url (32 random bytes).
const (
	secretPrefix  = "atk_"
	prefixLen     = 8
	randomLen     = 43
	maxNameLen    = 80
	defaultLimit  = 50
	maxLimit      = 200
	usedEvery     = time.Minute // last_used_at is written at most this often per key
	serviceDomain = "@api-keys.invalid"
)

// Service creates, lists, revokes and resolves API keys.
type Service struct {
	DB     bun.IDB
	People *people.Store

	mu   sync.Mutex
	used map[int64]time.Time // when this instance last wrote each key's last_used_at
}

// Key is an API key as the admin sees it: never its secret.
type Key struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`
	Prefix     string      `json:"prefix"`
	Scopes     []string    `json:"scopes"`
	User       people.Ref  `json:"user"`
	CreatedBy  *people.Ref `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	ExpiresAt  *time.Time  `json:"expires_at"`
	LastUsedAt *time.Time  `json:"last_used_at"`
	RevokedAt  *time.Time  `json:"revoked_at"`
}

// Created is the answer to a creation: the key and its secret, which is never shown again.
type Created struct {
	Key    Key    `json:"key"`
	Secret string `json:"secret"`
}

type keyRow struct {
	bun.BaseModel `bun:"table:api_keys,alias:k"`

	ID         int64      `bun:"id,pk,autoincrement"`
	Name       string     `bun:"name"`
	Prefix     string     `bun:"prefix"`
	SecretHash []byte     `bun:"secret_hash"`
	Scopes     []string   `bun:"scopes,array"`
	UserID     int64      `bun:"user_id"`
	CreatedBy  *int64     `bun:"created_by"`
	CreatedAt  time.Time  `bun:"created_at,nullzero,default:now()"`
	ExpiresAt  *time.Time `bun:"expires_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}

// NewKeyRequest is the body of POST /admin/api-keys.
type NewKeyRequest struct {
	Name      string     `json:"name" validate:"required"`
	Scopes    []string   `json:"scopes" validate:"required"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func newSecret() (prefix, secret string, err error) {
	b := make([]byte, prefixLen/2+32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("apikeys: secret: %w", err)
	}
	prefix = hex.EncodeToString(b[:prefixLen/2])
	return prefix, secretPrefix + prefix + "_" + base64.RawURLEncoding.EncodeToString(b[prefixLen/2:]), nil
}

// wellFormed reports whether a bearer token has the form of a secret, so that junk never reaches the
// database.
func wellFormed(secret string) bool {
	rest, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok || len(rest) != prefixLen+1+randomLen || rest[prefixLen] != '_' {
		return false
	}
	if _, err := hex.DecodeString(rest[:prefixLen]); err != nil {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest[prefixLen+1:])
	return err == nil
}

// check validates a creation, naming every bad field, and returns the name and scopes to store.
func (r NewKeyRequest) check(now time.Time) (string, []string, error) {
	bad := errs.New(errs.Invalid, "error.invalid")
	name := strings.TrimSpace(r.Name)
	switch {
	case name == "":
		bad.WithField("name", "field.required", nil)
	case utf8.RuneCountInString(name) > maxNameLen:
		bad.WithField("name", "field.max", map[string]any{"param": maxNameLen})
	}
	var scopes []string
	for _, s := range access.KeyScopes { // in the catalog's order, each once
		if slices.Contains(r.Scopes, s) {
			scopes = append(scopes, s)
		}
	}
	for _, s := range r.Scopes {
		if !access.ValidKeyScope(s) {
			bad.WithField("scopes", "apikey.scope_unknown", map[string]any{"scope": s})
			break
		}
	}
	if len(scopes) == 0 && bad.Fields["scopes"].Key == "" {
		bad.WithField("scopes", "apikey.scopes_required", nil)
	}
	if r.ExpiresAt != nil && !r.ExpiresAt.After(now) {
		bad.WithField("expires_at", "apikey.expiry_past", nil)
	}
	if len(bad.Fields) > 0 {
		return "", nil, bad
	}
	return name, scopes, nil
}

// Create makes a key with its service user and returns its secret, the only time it is shown.
func (s *Service) Create(ctx context.Context, subj access.Subject, req NewKeyRequest) (*Created, error) {
	if !access.CanManageAPIKeys(subj) {
		return nil, errs.New(errs.Forbidden, "apikey.forbidden")
	}
	name, scopes, err := req.check(time.Now())
	if err != nil {
		return nil, err
	}
	prefix, secret, err := newSecret()
	if err != nil {
		return nil, err
	}
	row := &keyRow{Name: name, Prefix: prefix, SecretHash: hashSecret(secret), Scopes: scopes, CreatedBy: &subj.UserID,
		ExpiresAt: req.ExpiresAt}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// The service user: no password and disabled, so that nobody logs in as it and it is never offered
		// as an assignee; the key's subject is built from its scopes, not from this row's role.
		if err := tx.NewRaw(`INSERT INTO users (email, name, password_hash, role, kind, disabled_at)
			VALUES (?, ?, '', 'agent', 'employee', now()) RETURNING id`,
			"api-key-"+prefix+serviceDomain, "Bot: "+name).Scan(ctx, &row.UserID); err != nil {
			return fmt.Errorf("apikeys: service user: %w", err)
		}
		if _, err := tx.NewInsert().Model(row).Returning("id, created_at").Exec(ctx); err != nil {
			return fmt.Errorf("apikeys: create: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys, err := s.views(ctx, []keyRow{*row})
	if err != nil {
		return nil, err
	}
	return &Created{Key: keys[0], Secret: secret}, nil
}

// Page is one page of keys, newest first; NextCursor continues it.
type Page struct {
	Items      []Key  `json:"items"`
	NextCursor *int64 `json:"next_cursor"`
}

// List returns the keys, newest first, revoked ones too, after the cursor (a key id).
func (s *Service) List(ctx context.Context, subj access.Subject, cursor int64, limit int) (*Page, error) {
	if !access.CanManageAPIKeys(subj) {
		return nil, errs.New(errs.Forbidden, "apikey.forbidden")
	}
	if limit <= 0 || limit > maxLimit {
		limit = defaultLimit
	}
	var rows []keyRow
	q := s.DB.NewSelect().Model(&rows).OrderExpr("k.id DESC").Limit(int64(limit + 1))
	if cursor > 0 {
		q = q.Where("k.id < ?", cursor)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("apikeys: list: %w", err)
	}
	page := &Page{}
	if len(rows) > limit {
		rows = rows[:limit]
		page.NextCursor = &rows[limit-1].ID
	}
	var err error
	if page.Items, err = s.views(ctx, rows); err != nil {
		return nil, err
	}
	return page, nil
}

// Revoke ends a key at once: the next request with it is refused.
func (s *Service) Revoke(ctx context.Context, subj access.Subject, id int64) (*Key, error) {
	if !access.CanManageAPIKeys(subj) {
		return nil, errs.New(errs.Forbidden, "apikey.forbidden")
	}
	row := new(keyRow)
	err := s.DB.NewUpdate().Model(row).Set("revoked_at = coalesce(revoked_at, now())").Where("id = ?", id).
		Returning("*").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "apikey.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("apikeys: revoke: %w", err)
	}
	keys, err := s.views(ctx, []keyRow{*row})
	if err != nil {
		return nil, err
	}
	return &keys[0], nil
}

// views turns rows into keys with their users' names, in one query.
func (s *Service) views(ctx context.Context, rows []keyRow) ([]Key, error) {
	ids := make([]int64, 0, 2*len(rows))
	for _, r := range rows {
		ids = append(ids, r.UserID)
		if r.CreatedBy != nil {
			ids = append(ids, *r.CreatedBy)
		}
	}
	names, err := s.People.Names(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Key, len(rows))
	for i, r := range rows {
		out[i] = Key{ID: r.ID, Name: r.Name, Prefix: r.Prefix, Scopes: r.Scopes, User: people.Ref{ID: r.UserID, Name: names[r.UserID]},
			CreatedAt: r.CreatedAt.UTC(), ExpiresAt: utc(r.ExpiresAt), LastUsedAt: utc(r.LastUsedAt), RevokedAt: utc(r.RevokedAt)}
		if r.CreatedBy != nil {
			out[i].CreatedBy = &people.Ref{ID: *r.CreatedBy, Name: names[*r.CreatedBy]}
		}
	}
	return out, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// Resolve returns the subject of a live key's secret, or false for an unknown, revoked or expired one.
// The lookup is one query on the unique index of the secret's hash; revocation and expiry are read on
// every request, so that they apply at once.
func (s *Service) Resolve(ctx context.Context, secret string) (access.Subject, bool, error) {
	if !wellFormed(secret) {
		return access.Subject{}, false, nil
	}
	var k struct {
		ID       int64    `bun:"id"`
		UserID   int64    `bun:"user_id"`
		UserName string   `bun:"user_name"`
		Scopes   []string `bun:"scopes,array"`
	}
	err := s.DB.NewRaw(`SELECT k.id, k.user_id, u.name AS user_name, k.scopes FROM api_keys k JOIN users u ON u.id = k.user_id
		WHERE k.secret_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`,
		hashSecret(secret)).Scan(ctx, &k)
	if errors.Is(err, sql.ErrNoRows) {
		return access.Subject{}, false, nil
	}
	if err != nil {
		return access.Subject{}, false, fmt.Errorf("apikeys: resolve: %w", err)
	}
	if err := s.touch(ctx, k.ID); err != nil {
		return access.Subject{}, false, err
	}
	return access.KeySubject(k.ID, k.UserID, k.UserName, k.Scopes), true, nil
}

// touch records that a key was used, at most once a minute per key: this instance remembers its last
// write, and the condition keeps several instances from writing more often.
func (s *Service) touch(ctx context.Context, id int64) error {
	now := time.Now()
	s.mu.Lock()
	if s.used == nil {
		s.used = map[int64]time.Time{}
	}
	last, seen := s.used[id]
	if seen && now.Sub(last) < usedEvery {
		s.mu.Unlock()
		return nil
	}
	s.used[id] = now
	s.mu.Unlock()
	_, err := s.DB.NewUpdate().Table("api_keys").Set("last_used_at = now()").Where("id = ?", id).
		Where("last_used_at IS NULL OR last_used_at < now() - ?::interval", fmt.Sprintf("%d seconds", int(usedEvery.Seconds()))).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("apikeys: last used: %w", err)
	}
	return nil
}
