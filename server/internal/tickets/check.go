package tickets

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/people"
)

// Limits of a ticket's fields (the contract of POST and PATCH /tickets).
const (
	MaxSubject     = 300
	MaxDescription = 50000
	MaxTags        = 10
	MaxPersonName  = 120
)

var (
	orderNumberRe = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)
	tagRe         = regexp.MustCompile(`^[\p{L}\p{N}_-]{1,30}$`)
)

// checker validates the fields of a create or an edit, collecting every field error so that the user
// sees them all at once.
type checker struct {
	s   *Service
	ctx context.Context
	db  bun.IDB
	err *errs.Error
	sys error // a failure of the database, not of the input
}

func (s *Service) checker(ctx context.Context, db bun.IDB) *checker {
	return &checker{s: s, ctx: ctx, db: db, err: errs.New(errs.Invalid, "error.invalid")}
}

func (c *checker) bad(field, key string, args map[string]any) {
	if _, dup := c.err.Fields[field]; !dup {
		c.err.WithField(field, key, args)
	}
}

func (c *checker) failed(field string) bool {
	_, ok := c.err.Fields[field]
	return ok
}

// result is the first database failure, else the collected field errors, else nil.
func (c *checker) result() error {
	if c.sys != nil {
		return c.sys
	}
	if len(c.err.Fields) > 0 {
		return c.err
	}
	return nil
}

// ref checks that id names an active entry of a catalog and returns it (nil after a field error).
func (c *checker) ref(field string, kind catalog.RefKind, id int64) *catalog.EntryRef {
	if c.sys != nil {
		return nil
	}
	r, err := c.s.Catalog.LookupRef(c.ctx, c.db, kind, id)
	switch {
	case err != nil:
		c.sys = err
		return nil
	case r == nil:
		c.bad(field, "field.not_found", nil)
		return nil
	case !r.Active:
		c.bad(field, "field.inactive", nil)
		return nil
	}
	return r
}

// category checks a top-level category.
func (c *checker) category(field string, id int64) *catalog.EntryRef {
	r := c.ref(field, catalog.RefCategories, id)
	if r != nil && r.ParentID != nil {
		c.bad(field, "ticket.category_is_subcategory", nil)
		return nil
	}
	return r
}

// subcategory checks an active subcategory of categoryID.
func (c *checker) subcategory(field string, id int64, categoryID *int64) {
	r := c.ref(field, catalog.RefCategories, id)
	if r != nil && (r.ParentID == nil || categoryID == nil || *r.ParentID != *categoryID) {
		c.bad(field, "ticket.subcategory_mismatch", nil)
	}
}

// user loads a user for a person field (requester, affected, assignee).
func (c *checker) user(field string, id int64) *people.User {
	if c.sys != nil {
		return nil
	}
	u, err := c.s.People.ByIDIn(c.ctx, c.db, id)
	if err != nil {
		c.sys = err
		return nil
	}
	if u == nil {
		c.bad(field, "field.not_found", nil)
	}
	return u
}

// assignee checks that id is an enabled user who may be given tickets.
func (c *checker) assignee(field string, id int64) {
	u := c.user(field, id)
	if u == nil {
		return
	}
	subj, err := people.SubjectIn(c.ctx, c.db, u)
	if err != nil {
		c.sys = err
		return
	}
	if !access.CanBeAssigned(subj) || u.DisabledAt != nil || u.PasswordHash == "" {
		c.bad(field, "ticket.assignee_not_staff", nil)
	}
}

func (c *checker) subject(field, s string) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		c.bad(field, "field.required", nil)
	case n > MaxSubject:
		c.bad(field, "field.max", map[string]any{"param": MaxSubject})
	}
	return s
}

func (c *checker) description(field, s string) string {
	if utf8.RuneCountInString(s) > MaxDescription {
		c.bad(field, "field.max", map[string]any{"param": MaxDescription})
	}
	return s
}

func (c *checker) orderNumber(field, s string) string {
	s = strings.TrimSpace(s)
	if !orderNumberRe.MatchString(s) {
		c.bad(field, "ticket.order_number_invalid", nil)
	}
	return s
}

// NormalTag returns a tag as tickets store it (trimmed, lower case) and whether it is a valid tag.
func NormalTag(tag string) (string, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	return tag, tagRe.MatchString(tag)
}

// tags lower-cases and deduplicates tags, keeping their order.
func (c *checker) tags(field string, in []string) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, t := range in {
		t = strings.ToLower(strings.TrimSpace(t))
		if !tagRe.MatchString(t) {
			c.bad(field, "ticket.tag_invalid", map[string]any{"tag": t})
			return nil
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		c.bad(field, "ticket.too_many_tags", map[string]any{"max": MaxTags})
		return nil
	}
	return out
}

// MaxAllowedRoles bounds a ticket's allowed roles.
const MaxAllowedRoles = 50

// roles sorts and deduplicates role ids, refusing ids that are not roles.
func (c *checker) roles(field string, in []int64) []int64 {
	out := access.SortIDs(in)
	if len(out) > MaxAllowedRoles {
		c.bad(field, "field.max_items", map[string]any{"max": MaxAllowedRoles})
		return nil
	}
	missing, err := people.MissingRoles(c.ctx, c.db, out)
	if err != nil {
		c.sys = err
		return nil
	}
	if len(missing) > 0 {
		c.bad(field, "ticket.role_not_found", nil)
		return nil
	}
	return out
}

// dueAt parses an RFC 3339 date-time.
func (c *checker) dueAt(field, s string) *time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		c.bad(field, "field.datetime", nil)
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	return &t
}
