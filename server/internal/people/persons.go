package people

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
)

// Kind is what a person is to the business.
type Kind string

// The kinds of person.
const (
	KindCustomer   Kind = "customer"
	KindConsultant Kind = "consultant"
	KindEmployee   Kind = "employee"
)

func (k Kind) valid() bool { return k == KindCustomer || k == KindConsultant || k == KindEmployee }

// CommercialStatuses are the states of a consultant's business relationship.
var CommercialStatuses = []string{"active", "inactive", "suspended", "retired"}

// Limits of a person's fields (the table's checks, and what a form shows).
const (
	NameMaxLen     = 120
	EmailMaxLen    = 254
	DocumentMaxLen = 40
	RankMaxLen     = 60
	ListMaxLimit   = 100
	ListDefLimit   = 50
	QueryMaxLen    = 200
)

// PersonCard is a person as lists and the tree show them.
type PersonCard struct {
	ID               int64   `json:"id"`
	Name             string  `json:"name"`
	Email            string  `json:"email"`
	Kind             Kind    `json:"kind"`
	DocumentID       *string `json:"document_id"`
	Rank             *string `json:"rank"`
	CommercialStatus *string `json:"commercial_status"`
	Sponsor          *Ref    `json:"sponsor"`
	HasLogin         bool    `json:"has_login"`
	DirectCount      int     `json:"direct_count"`
}

// UplineEntry is one person of a sponsor chain.
type UplineEntry struct {
	ID   int64   `json:"id" bun:"id"`
	Name string  `json:"name" bun:"name"`
	Rank *string `json:"rank" bun:"rank"`
}

// Person is a person's profile: the card, their contacts, their upline and the size of their downline.
type Person struct {
	PersonCard
	Contacts      []Contact     `json:"contacts"`
	Upline        []UplineEntry `json:"upline"`
	DownlineCount int           `json:"downline_count"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
	Version       int64         `json:"version"`
}

// PersonList is a page of persons.
type PersonList struct {
	Items      []PersonCard `json:"items"`
	NextCursor *string      `json:"next_cursor"`
}

// personRow is a person as stored.
type personRow struct {
	ID               int64     `bun:"id"`
	Name             string    `bun:"name"`
	Email            string    `bun:"email"`
	Kind             Kind      `bun:"kind"`
	DocumentID       *string   `bun:"document_id"`
	Rank             *string   `bun:"rank"`
	CommercialStatus *string   `bun:"commercial_status"`
	SponsorID        *int64    `bun:"sponsor_id"`
	SponsorName      *string   `bun:"sponsor_name"`
	Ancestors        []int64   `bun:"ancestors,array"`
	HasLogin         bool      `bun:"has_login"`
	DirectCount      int       `bun:"direct_count"`
	Version          int64     `bun:"version"`
	CreatedAt        time.Time `bun:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

func (r personRow) card() PersonCard {
	c := PersonCard{ID: r.ID, Name: r.Name, Email: r.Email, Kind: r.Kind, DocumentID: r.DocumentID, Rank: r.Rank,
		CommercialStatus: r.CommercialStatus, HasLogin: r.HasLogin, DirectCount: r.DirectCount}
	if r.SponsorID != nil {
		c.Sponsor = &Ref{ID: *r.SponsorID}
		if r.SponsorName != nil {
			c.Sponsor.Name = *r.SponsorName
		}
	}
	return c
}

// personColumns selects a personRow from users aliased u.
const personColumns = `u.id, u.name, u.email, u.kind, u.document_id, u.rank, u.commercial_status, u.sponsor_id,
	(SELECT s.name FROM users s WHERE s.id = u.sponsor_id) AS sponsor_name, u.ancestors, u.password_hash <> '' AS has_login,
	(SELECT count(*) FROM users d WHERE d.sponsor_id = u.id) AS direct_count, u.version, u.created_at, u.updated_at`

// Service registers and edits persons, their contacts and their place in the genealogy.
type Service struct {
	DB *bun.DB
	// NetworkChanged is told, inside the moving transaction, every person whose sponsor chain changed,
	// so that their tickets' network is recomputed (the tickets package wires it; people must not
	// import tickets). Nil does nothing.
	NetworkChanged func(ctx context.Context, tx bun.IDB, subj access.Subject, personIDs []int64) error
}

// Optional is a field of a partial update: absent, JSON null or a value (see httpx.Optional).
type Optional[T any] = httpx.Optional[T]

// PersonCreate is the body of POST /persons.
type PersonCreate struct {
	Name             string          `json:"name"`
	Email            string          `json:"email"`
	Kind             string          `json:"kind"`
	DocumentID       *string         `json:"document_id"`
	Rank             *string         `json:"rank"`
	CommercialStatus *string         `json:"commercial_status"`
	SponsorID        *int64          `json:"sponsor_id"`
	Contacts         []ContactCreate `json:"contacts"`
}

// PersonPatch is the body of PATCH /persons/{id}: the version it is based on and any field to change.
// A nullable field sent as null is cleared.
type PersonPatch struct {
	Version          int64            `json:"version"`
	Name             Optional[string] `json:"name"`
	Email            Optional[string] `json:"email"`
	Kind             Optional[string] `json:"kind"`
	DocumentID       Optional[string] `json:"document_id"`
	Rank             Optional[string] `json:"rank"`
	CommercialStatus Optional[string] `json:"commercial_status"`
	SponsorID        Optional[int64]  `json:"sponsor_id"`
}

// checker collects per-field problems so a request is refused whole with every message at once.
type checker struct{ e *errs.Error }

func newChecker() *checker { return &checker{e: errs.New(errs.Invalid, "error.invalid")} }

func (c *checker) bad(field, key string, args map[string]any) {
	if _, ok := c.e.Fields[field]; !ok {
		c.e.WithField(field, key, args)
	}
}

func (c *checker) failed(field string) bool { _, ok := c.e.Fields[field]; return ok }

func (c *checker) err() error {
	if len(c.e.Fields) > 0 {
		return c.e
	}
	return nil
}

var emailRE = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

func (c *checker) name(field, v string) string {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n < 1 || n > NameMaxLen {
		c.bad(field, "person.length", map[string]any{"min": 1, "max": NameMaxLen})
	}
	return v
}

func (c *checker) email(field, v string) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		c.bad(field, "field.required", nil)
	case utf8.RuneCountInString(v) > EmailMaxLen:
		c.bad(field, "field.max", map[string]any{"param": EmailMaxLen})
	case !emailRE.MatchString(v):
		c.bad(field, "field.email", nil)
	}
	return v
}

// optText trims an optional text; empty means none.
func (c *checker) optText(field string, v *string, max int) *string {
	if v == nil {
		return nil
	}
	s := strings.TrimSpace(*v)
	if s == "" {
		return nil
	}
	if utf8.RuneCountInString(s) > max {
		c.bad(field, "field.max", map[string]any{"param": max})
	}
	return &s
}

func (c *checker) kind(field, v string) Kind {
	k := Kind(v)
	if !k.valid() {
		c.bad(field, "field.oneof", map[string]any{"param": "customer consultant employee"})
	}
	return k
}

func (c *checker) commercialStatus(field string, v *string) *string {
	if v == nil {
		return nil
	}
	for _, s := range CommercialStatuses {
		if *v == s {
			return v
		}
	}
	c.bad(field, "field.oneof", map[string]any{"param": strings.Join(CommercialStatuses, " ")})
	return v
}

func isUniqueEmail(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "users_email_key"
}

// emailTaken reports whether another person (not except) has this email, case-insensitively.
func emailTaken(ctx context.Context, db bun.IDB, email string, except int64) (bool, error) {
	ok, err := db.NewSelect().Table("users").Where("lower(email) = lower(?) AND id <> ?", email, except).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("people: email taken: %w", err)
	}
	return ok, nil
}

// Create registers a person without a login.
func (s *Service) Create(ctx context.Context, subj access.Subject, in PersonCreate) (*Person, error) {
	if !access.CanManagePeople(subj) {
		return nil, errs.New(errs.Forbidden, "person.manage_forbidden")
	}
	c := newChecker()
	name := c.name("name", in.Name)
	email := c.email("email", in.Email)
	kind := c.kind("kind", in.Kind)
	doc := c.optText("document_id", in.DocumentID, DocumentMaxLen)
	rank := c.optText("rank", in.Rank, RankMaxLen)
	status := c.commercialStatus("commercial_status", in.CommercialStatus)
	if kind != KindConsultant && !c.failed("kind") {
		if rank != nil {
			c.bad("rank", "person.consultant_only", nil)
		}
		if status != nil {
			c.bad("commercial_status", "person.consultant_only", nil)
		}
	}
	if kind == KindConsultant && status == nil {
		active := "active"
		status = &active
	}
	if in.SponsorID != nil && *in.SponsorID <= 0 {
		c.bad("sponsor_id", "field.not_found", nil)
	}
	if len(in.Contacts) > MaxContacts {
		c.bad("contacts", "contact.too_many", map[string]any{"max": MaxContacts})
	}
	contacts := make([]Contact, len(in.Contacts))
	for i, cc := range in.Contacts {
		contacts[i] = c.contact(fmt.Sprintf("contacts[%d].", i), cc)
	}
	if c.err() != nil {
		return nil, c.err()
	}
	// A person without a login holds the least their kind suggests; an admin picks a real role when
	// inviting them (the role grants nothing until then).
	role := access.Customer
	if kind == KindConsultant {
		role = access.Consultant
	}
	var id int64
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if in.SponsorID != nil {
			// The new person's ancestors are the sponsor's (the insert trigger copies them): a move
			// of the sponsor must not commit between that read and this insert.
			if err := lockGenealogy(ctx, tx); err != nil {
				return err
			}
			if err := checkSponsor(ctx, tx, "sponsor_id", *in.SponsorID, 0, ""); err != nil {
				return err
			}
		}
		if taken, err := emailTaken(ctx, tx, email, 0); err != nil {
			return err
		} else if taken {
			return errs.InvalidField("email", "person.email_taken", nil)
		}
		err := tx.NewRaw(`INSERT INTO users (email, name, password_hash, role, kind, document_id, rank, commercial_status, sponsor_id)
			VALUES (?, ?, '', ?, ?, ?, ?, ?, ?) RETURNING id`, email, name, string(role), string(kind), doc, rank, status, in.SponsorID).Scan(ctx, &id)
		if isUniqueEmail(err) {
			return errs.InvalidField("email", "person.email_taken", nil)
		}
		if err != nil {
			return fmt.Errorf("people: create person: %w", err)
		}
		for _, ct := range normalizePrimaries(contacts) {
			if _, err := tx.NewRaw(`INSERT INTO person_contacts (person_id, kind, label, value, is_primary) VALUES (?, ?, ?, ?, ?)`,
				id, ct.Kind, ct.Label, ct.Value, ct.IsPrimary).Exec(ctx); err != nil {
				return fmt.Errorf("people: create person contact: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.DB, id)
}

// Get returns a person's profile.
func (s *Service) Get(ctx context.Context, subj access.Subject, id int64) (*Person, error) {
	if !access.CanSearchPeople(subj) {
		return nil, errs.New(errs.Forbidden, "person.view_forbidden")
	}
	return s.get(ctx, s.DB, id)
}

func (s *Service) row(ctx context.Context, db bun.IDB, id int64, forUpdate bool) (*personRow, error) {
	var r personRow
	q := `SELECT ` + personColumns + ` FROM users u WHERE u.id = ?`
	if forUpdate {
		q += ` FOR UPDATE OF u`
	}
	err := db.NewRaw(q, id).Scan(ctx, &r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "person.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("people: person: %w", err)
	}
	return &r, nil
}

func (s *Service) get(ctx context.Context, db bun.IDB, id int64) (*Person, error) {
	r, err := s.row(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	return s.complete(ctx, db, r)
}

// complete adds a row's contacts, upline and downline size.
func (s *Service) complete(ctx context.Context, db bun.IDB, r *personRow) (*Person, error) {
	p := &Person{PersonCard: r.card(), Contacts: []Contact{}, Upline: []UplineEntry{}, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt, Version: r.Version}
	if err := db.NewRaw(`SELECT id, kind, label, value, is_primary FROM person_contacts WHERE person_id = ?
		ORDER BY CASE kind WHEN 'phone' THEN 0 WHEN 'email' THEN 1 ELSE 2 END, is_primary DESC, id`, r.ID).Scan(ctx, &p.Contacts); err != nil {
		return nil, fmt.Errorf("people: contacts: %w", err)
	}
	if len(r.Ancestors) > 1 {
		up := r.Ancestors[:len(r.Ancestors)-1]
		if err := db.NewRaw(`SELECT u.id, u.name, u.rank FROM unnest(?::bigint[]) WITH ORDINALITY AS a (id, o)
			JOIN users u ON u.id = a.id ORDER BY a.o`, pgdialect.Array(up)).Scan(ctx, &p.Upline); err != nil {
			return nil, fmt.Errorf("people: upline: %w", err)
		}
	}
	if err := db.NewRaw(`SELECT count(*) - 1 FROM users WHERE ancestors @> ARRAY[?::bigint]`, r.ID).Scan(ctx, &p.DownlineCount); err != nil {
		return nil, fmt.Errorf("people: downline count: %w", err)
	}
	if p.DownlineCount < 0 {
		p.DownlineCount = 0
	}
	return p, nil
}

// ListQuery is a request for a page of persons.
type ListQuery struct {
	Q         string
	Kind      string
	SponsorID int64
	Cursor    string
	Limit     int
}

// personCursor is the position after the last row of a page (by name, then id).
type personCursor struct {
	Name string `json:"n"`
	ID   int64  `json:"i"`
}

func (c personCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodePersonCursor(s string) (personCursor, bool) {
	var c personCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 {
		return c, false
	}
	return c, true
}

func likePattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

// phoneDigits returns the digits of a query that looks like a phone number (at least 3 digits and
// nothing but phone punctuation), so "555 12-34" finds "+52 (555) 1234"; else "".
func phoneDigits(q string) string {
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" +()-.", r):
		default:
			return ""
		}
	}
	if b.Len() < 3 {
		return ""
	}
	return b.String()
}

// List returns a page of persons by name, filtered by text, kind and sponsor.
func (s *Service) List(ctx context.Context, subj access.Subject, lq ListQuery) (*PersonList, error) {
	if !access.CanSearchPeople(subj) {
		return nil, errs.New(errs.Forbidden, "person.view_forbidden")
	}
	c := newChecker()
	lq.Q = strings.TrimSpace(lq.Q)
	if utf8.RuneCountInString(lq.Q) > QueryMaxLen {
		c.bad("q", "field.max", map[string]any{"param": QueryMaxLen})
	}
	if lq.Kind != "" {
		c.kind("kind", lq.Kind)
	}
	if lq.Limit < 1 || lq.Limit > ListMaxLimit {
		c.bad("limit", "field.between", map[string]any{"min": 1, "max": ListMaxLimit})
	}
	var cur *personCursor
	if lq.Cursor != "" {
		pc, ok := decodePersonCursor(lq.Cursor)
		if !ok {
			return nil, errs.New(errs.Invalid, "board.bad_cursor").WithField("cursor", "board.bad_cursor", nil)
		}
		cur = &pc
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	q := s.DB.NewSelect().TableExpr("users AS u").ColumnExpr(personColumns)
	if lq.Q != "" {
		like := likePattern(lq.Q)
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("atiende_unaccent(u.name) ILIKE atiende_unaccent(?)", like).
				WhereOr("u.email ILIKE ?", like).
				WhereOr("u.document_id ILIKE ?", like).
				WhereOr("EXISTS (SELECT 1 FROM person_contacts pc WHERE pc.person_id = u.id AND atiende_unaccent(pc.value) ILIKE atiende_unaccent(?))", like)
			if d := phoneDigits(lq.Q); d != "" {
				q = q.WhereOr(`EXISTS (SELECT 1 FROM person_contacts pc WHERE pc.person_id = u.id AND pc.kind = 'phone'
					AND regexp_replace(pc.value, '\D', '', 'g') LIKE ?)`, "%"+d+"%")
			}
			return q
		})
	}
	if lq.Kind != "" {
		q = q.Where("u.kind = ?", lq.Kind)
	}
	if lq.SponsorID != 0 {
		q = q.Where("u.sponsor_id = ?", lq.SponsorID)
	}
	return s.page(ctx, q, cur, lq.Limit)
}

// page reads limit+1 rows after the cursor by name, id and makes the page.
func (s *Service) page(ctx context.Context, q *bun.SelectQuery, cur *personCursor, limit int) (*PersonList, error) {
	if cur != nil {
		q = q.Where("(u.name, u.id) > (?, ?)", cur.Name, cur.ID)
	}
	var rows []personRow
	if err := q.OrderExpr("u.name, u.id").Limit(int64(limit)+1).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("people: list persons: %w", err)
	}
	out := &PersonList{Items: []PersonCard{}}
	if len(rows) > limit {
		rows = rows[:limit]
		next := personCursor{Name: rows[limit-1].Name, ID: rows[limit-1].ID}.encode()
		out.NextCursor = &next
	}
	for _, r := range rows {
		out.Items = append(out.Items, r.card())
	}
	return out, nil
}

// Downline returns a page of a person's direct children, by name.
func (s *Service) Downline(ctx context.Context, subj access.Subject, id int64, cursor string, limit int) (*PersonList, error) {
	if !access.CanSearchPeople(subj) {
		return nil, errs.New(errs.Forbidden, "person.view_forbidden")
	}
	if limit < 1 || limit > ListMaxLimit {
		return nil, errs.InvalidField("limit", "field.between", map[string]any{"min": 1, "max": ListMaxLimit})
	}
	var cur *personCursor
	if cursor != "" {
		pc, ok := decodePersonCursor(cursor)
		if !ok {
			return nil, errs.New(errs.Invalid, "board.bad_cursor").WithField("cursor", "board.bad_cursor", nil)
		}
		cur = &pc
	}
	if _, err := s.row(ctx, s.DB, id, false); err != nil {
		return nil, err
	}
	q := s.DB.NewSelect().TableExpr("users AS u").ColumnExpr(personColumns).Where("u.sponsor_id = ?", id)
	return s.page(ctx, q, cur, limit)
}

// Patch changes a person's fields; a sponsor change moves the person and their whole downline.
func (s *Service) Patch(ctx context.Context, subj access.Subject, id int64, p PersonPatch) (*Person, error) {
	if !access.CanManagePeople(subj) {
		return nil, errs.New(errs.Forbidden, "person.manage_forbidden")
	}
	if p.Version < 1 {
		return nil, errs.InvalidField("version", "field.required", nil)
	}
	var out *Person
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if p.SponsorID.Set {
			// Taken before anything is read: the cycle check below must see every move committed before.
			if err := lockGenealogy(ctx, tx); err != nil {
				return err
			}
		}
		cur, err := s.row(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cur.Version != p.Version {
			e := errs.New(errs.Conflict, "error.conflict")
			if e.Current, err = s.complete(ctx, tx, cur); err != nil {
				return err
			}
			return e
		}
		nr, err := s.applyPatch(ctx, tx, subj, cur, p)
		if err != nil {
			return err
		}
		if _, err := tx.NewRaw(`UPDATE users SET name = ?, email = ?, kind = ?, document_id = ?, rank = ?, commercial_status = ?,
			sponsor_id = ?, version = version + 1, updated_at = now() WHERE id = ?`,
			nr.Name, nr.Email, string(nr.Kind), nr.DocumentID, nr.Rank, nr.CommercialStatus, nr.SponsorID, id).Exec(ctx); err != nil {
			if isUniqueEmail(err) {
				return errs.InvalidField("email", "person.email_taken", nil)
			}
			return fmt.Errorf("people: patch person: %w", err)
		}
		if !sameID(cur.SponsorID, nr.SponsorID) {
			if err := s.move(ctx, tx, subj, cur, nr.SponsorID); err != nil {
				return err
			}
		}
		out, err = s.get(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sameID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// applyPatch checks a patch against the current row and returns the new row.
func (s *Service) applyPatch(ctx context.Context, tx bun.IDB, subj access.Subject, cur *personRow, p PersonPatch) (*personRow, error) {
	c := newChecker()
	nr := *cur
	notNull := func(field string, null bool) bool {
		if null {
			c.bad(field, "field.not_null", nil)
		}
		return !null
	}
	if p.Name.Set && notNull("name", p.Name.Null) {
		nr.Name = c.name("name", p.Name.Value)
	}
	if p.Email.Set && notNull("email", p.Email.Null) {
		nr.Email = c.email("email", p.Email.Value)
	}
	if p.Kind.Set && notNull("kind", p.Kind.Null) {
		nr.Kind = c.kind("kind", p.Kind.Value)
	}
	opt := func(o Optional[string]) *string {
		if o.Null {
			return nil
		}
		return &o.Value
	}
	if p.DocumentID.Set {
		nr.DocumentID = c.optText("document_id", opt(p.DocumentID), DocumentMaxLen)
	}
	if p.Rank.Set {
		nr.Rank = c.optText("rank", opt(p.Rank), RankMaxLen)
	}
	if p.CommercialStatus.Set {
		nr.CommercialStatus = c.commercialStatus("commercial_status", opt(p.CommercialStatus))
	}
	if p.SponsorID.Set {
		if p.SponsorID.Null {
			nr.SponsorID = nil
		} else {
			v := p.SponsorID.Value
			nr.SponsorID = &v
		}
	}
	if c.failed("kind") {
		return nil, c.err()
	}
	if nr.Kind != KindConsultant {
		// Rank and commercial status describe consultants only: asked for on another kind they are
		// refused; kept from before a kind change they are dropped.
		if p.Rank.Set && nr.Rank != nil {
			c.bad("rank", "person.consultant_only", nil)
		}
		if p.CommercialStatus.Set && nr.CommercialStatus != nil {
			c.bad("commercial_status", "person.consultant_only", nil)
		}
		nr.Rank, nr.CommercialStatus = nil, nil
		if cur.Kind == KindConsultant && cur.DirectCount > 0 {
			c.bad("kind", "person.kind_has_downline", map[string]any{"name": cur.Name, "count": cur.DirectCount})
		}
	} else if nr.CommercialStatus == nil {
		active := "active"
		nr.CommercialStatus = &active
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if nr.Email != cur.Email {
		// The email of an account is its login: only those who manage users change it.
		if cur.HasLogin && !access.CanManageUsers(subj) {
			return nil, errs.New(errs.Forbidden, "person.login_email_forbidden")
		}
		if taken, err := emailTaken(ctx, tx, nr.Email, cur.ID); err != nil {
			return nil, err
		} else if taken {
			return nil, errs.InvalidField("email", "person.email_taken", nil)
		}
	}
	if !sameID(cur.SponsorID, nr.SponsorID) && nr.SponsorID != nil {
		if err := checkSponsor(ctx, tx, "sponsor_id", *nr.SponsorID, cur.ID, cur.Name); err != nil {
			return nil, err
		}
	}
	return &nr, nil
}
