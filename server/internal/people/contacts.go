package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/errs"
)

// Limits of contacts.
const (
	MaxContacts     = 50
	LabelMaxLen     = 40
	AddressMaxLen   = 500
	PhoneMinDigits  = 6
	PhoneMaxDigits  = 20
	contactKindsStr = "phone email address"
)

// Contact is one phone, email or address of a person. At most one of each kind is primary.
type Contact struct {
	ID        int64  `json:"id" bun:"id"`
	Kind      string `json:"kind" bun:"kind"`
	Label     string `json:"label" bun:"label"`
	Value     string `json:"value" bun:"value"`
	IsPrimary bool   `json:"is_primary" bun:"is_primary"`
}

// ContactCreate is the body of POST /persons/{id}/contacts (and an item of a new person's contacts).
type ContactCreate struct {
	Kind      string  `json:"kind"`
	Label     *string `json:"label"`
	Value     string  `json:"value"`
	IsPrimary *bool   `json:"is_primary"`
}

// ContactPatch is the body of PATCH /persons/{id}/contacts/{cid}.
type ContactPatch struct {
	Label     *string `json:"label"`
	Value     *string `json:"value"`
	IsPrimary *bool   `json:"is_primary"`
}

// contactValue checks a value for its kind and returns it trimmed.
func (c *checker) contactValue(field, kind, v string) string {
	v = strings.TrimSpace(v)
	switch kind {
	case "email":
		if v == "" {
			c.bad(field, "field.required", nil)
		} else if utf8.RuneCountInString(v) > EmailMaxLen || !emailRE.MatchString(v) {
			c.bad(field, "field.email", nil)
		}
	case "phone":
		digits := 0
		for _, r := range v {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case strings.ContainsRune(" +()-.", r):
			default:
				digits = -1 << 20
			}
		}
		if digits < PhoneMinDigits || digits > PhoneMaxDigits {
			c.bad(field, "contact.phone_invalid", map[string]any{"min": PhoneMinDigits, "max": PhoneMaxDigits})
		}
	case "address":
		if n := utf8.RuneCountInString(v); n < 1 || n > AddressMaxLen {
			c.bad(field, "person.length", map[string]any{"min": 1, "max": AddressMaxLen})
		}
	}
	return v
}

func (c *checker) label(field string, v *string) string {
	if v == nil {
		return ""
	}
	s := strings.TrimSpace(*v)
	if utf8.RuneCountInString(s) > LabelMaxLen {
		c.bad(field, "field.max", map[string]any{"param": LabelMaxLen})
	}
	return s
}

// contact checks a new contact; prefix names its fields ("" or "contacts[2].").
func (c *checker) contact(prefix string, in ContactCreate) Contact {
	out := Contact{Kind: in.Kind, Label: c.label(prefix+"label", in.Label), IsPrimary: in.IsPrimary != nil && *in.IsPrimary}
	if in.Kind != "phone" && in.Kind != "email" && in.Kind != "address" {
		c.bad(prefix+"kind", "field.oneof", map[string]any{"param": contactKindsStr})
		return out
	}
	out.Value = c.contactValue(prefix+"value", in.Kind, in.Value)
	return out
}

// normalizePrimaries keeps one primary per kind among new contacts: the last one asked for, else the
// first of its kind (a person's only phone is their phone).
func normalizePrimaries(cs []Contact) []Contact {
	chosen := map[string]int{}
	for i, c := range cs {
		if c.IsPrimary {
			chosen[c.Kind] = i
		}
	}
	for i, c := range cs {
		if _, ok := chosen[c.Kind]; !ok {
			chosen[c.Kind] = i
		}
	}
	for i := range cs {
		cs[i].IsPrimary = chosen[cs[i].Kind] == i
	}
	return cs
}

// touch bumps a person's version under a row lock (so concurrent contact writes of one person queue)
// and answers not found for an unknown person.
func touch(ctx context.Context, tx bun.IDB, personID int64) error {
	var id int64
	err := tx.NewRaw("UPDATE users SET version = version + 1, updated_at = now() WHERE id = ? RETURNING id", personID).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.New(errs.NotFound, "person.not_found")
	}
	if err != nil {
		return fmt.Errorf("people: touch: %w", err)
	}
	return nil
}

// setPrimary makes one contact the primary of its kind, clearing the others.
func setPrimary(ctx context.Context, tx bun.IDB, personID int64, kind string, id int64) error {
	if _, err := tx.NewRaw(`UPDATE person_contacts SET is_primary = (id = ?) WHERE person_id = ? AND kind = ?
		AND (is_primary OR id = ?)`, id, personID, kind, id).Exec(ctx); err != nil {
		return fmt.Errorf("people: primary contact: %w", err)
	}
	return nil
}

// AddContact adds a phone, email or address to a person.
func (s *Service) AddContact(ctx context.Context, subj access.Subject, personID int64, in ContactCreate) (*Contact, error) {
	if !access.CanManagePeople(subj) {
		return nil, errs.New(errs.Forbidden, "person.manage_forbidden")
	}
	c := newChecker()
	ct := c.contact("", in)
	if err := c.err(); err != nil {
		return nil, err
	}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := touch(ctx, tx, personID); err != nil {
			return err
		}
		var n, primaries int
		if err := tx.NewRaw(`SELECT count(*), count(*) FILTER (WHERE kind = ? AND is_primary) FROM person_contacts WHERE person_id = ?`,
			ct.Kind, personID).Scan(ctx, &n, &primaries); err != nil {
			return fmt.Errorf("people: add contact: %w", err)
		}
		if n >= MaxContacts {
			return errs.Newf(errs.Invalid, "contact.too_many", map[string]any{"max": MaxContacts})
		}
		// The first contact of its kind is the primary one without being asked.
		primary := ct.IsPrimary || primaries == 0
		if err := tx.NewRaw(`INSERT INTO person_contacts (person_id, kind, label, value, is_primary) VALUES (?, ?, ?, ?, false) RETURNING id`,
			personID, ct.Kind, ct.Label, ct.Value).Scan(ctx, &ct.ID); err != nil {
			return fmt.Errorf("people: add contact: %w", err)
		}
		if primary {
			ct.IsPrimary = true
			return setPrimary(ctx, tx, personID, ct.Kind, ct.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ct, nil
}

func contactOf(ctx context.Context, tx bun.IDB, personID, id int64) (*Contact, error) {
	var ct Contact
	err := tx.NewRaw("SELECT id, kind, label, value, is_primary FROM person_contacts WHERE id = ? AND person_id = ?", id, personID).Scan(ctx, &ct)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "contact.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("people: contact: %w", err)
	}
	return &ct, nil
}

// UpdateContact changes a contact's label, value or primary mark.
func (s *Service) UpdateContact(ctx context.Context, subj access.Subject, personID, id int64, p ContactPatch) (*Contact, error) {
	if !access.CanManagePeople(subj) {
		return nil, errs.New(errs.Forbidden, "person.manage_forbidden")
	}
	var out *Contact
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := touch(ctx, tx, personID); err != nil {
			return err
		}
		ct, err := contactOf(ctx, tx, personID, id)
		if err != nil {
			return err
		}
		c := newChecker()
		if p.Label != nil {
			ct.Label = c.label("label", p.Label)
		}
		if p.Value != nil {
			ct.Value = c.contactValue("value", ct.Kind, *p.Value)
		}
		if err := c.err(); err != nil {
			return err
		}
		if _, err := tx.NewRaw("UPDATE person_contacts SET label = ?, value = ? WHERE id = ?", ct.Label, ct.Value, id).Exec(ctx); err != nil {
			return fmt.Errorf("people: update contact: %w", err)
		}
		if p.IsPrimary != nil && *p.IsPrimary != ct.IsPrimary {
			ct.IsPrimary = *p.IsPrimary
			if ct.IsPrimary {
				err = setPrimary(ctx, tx, personID, ct.Kind, id)
			} else {
				_, err = tx.NewRaw("UPDATE person_contacts SET is_primary = false WHERE id = ?", id).Exec(ctx)
			}
			if err != nil {
				return fmt.Errorf("people: update contact: %w", err)
			}
		}
		out = ct
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteContact removes a contact; when it was the primary of its kind, the oldest remaining one of
// that kind becomes primary.
func (s *Service) DeleteContact(ctx context.Context, subj access.Subject, personID, id int64) error {
	if !access.CanManagePeople(subj) {
		return errs.New(errs.Forbidden, "person.manage_forbidden")
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := touch(ctx, tx, personID); err != nil {
			return err
		}
		ct, err := contactOf(ctx, tx, personID, id)
		if err != nil {
			return err
		}
		if _, err := tx.NewRaw("DELETE FROM person_contacts WHERE id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("people: delete contact: %w", err)
		}
		if ct.IsPrimary {
			if _, err := tx.NewRaw(`UPDATE person_contacts SET is_primary = true WHERE id = (SELECT min(id) FROM person_contacts
				WHERE person_id = ? AND kind = ?)`, personID, ct.Kind).Exec(ctx); err != nil {
				return fmt.Errorf("people: delete contact: %w", err)
			}
		}
		return nil
	})
}
