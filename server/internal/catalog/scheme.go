package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
)

// Scheme is the naming scheme of the four priorities.
type Scheme string

// The schemes: the matrix's own words, two everyday scales, or the names as the administrator edited them.
const (
	Eisenhower Scheme = "eisenhower"
	Altisima   Scheme = "altisima"
	Bajisima   Scheme = "bajisima"
	Custom     Scheme = "custom"
)

// schemeNames are the Spanish and English names each scheme gives the priorities, by priority key (do:
// important and urgent, decide: important, delegate: urgent, delete: neither).
var schemeNames = map[Scheme]map[string][2]string{
	Eisenhower: {"do": {"DO", "DO"}, "decide": {"DECIDE", "DECIDE"}, "delegate": {"DELEGATE", "DELEGATE"}, "delete": {"DELETE", "DELETE"}},
	Altisima:   {"do": {"Altísima", "Critical"}, "decide": {"Alta", "High"}, "delegate": {"Media", "Medium"}, "delete": {"Baja", "Low"}},
	Bajisima:   {"do": {"Alta", "High"}, "decide": {"Media", "Medium"}, "delegate": {"Baja", "Low"}, "delete": {"Bajísima", "Lowest"}},
}

const schemeSetting = "priority_scheme"

// SchemeResult is the priorities under their scheme.
type SchemeResult struct {
	PriorityScheme Scheme     `json:"priority_scheme"`
	Priorities     []Priority `json:"priorities"`
}

// currentScheme reads the scheme setting; without one the names are the administrator's.
func currentScheme(ctx context.Context, db bun.IDB) (Scheme, error) {
	var v string
	err := db.NewSelect().Table("settings").ColumnExpr("value #>> '{}'").Where("key = ?", schemeSetting).Scan(ctx, &v)
	if isNoRows(err) {
		return Custom, nil
	}
	if err != nil {
		return "", fmt.Errorf("catalog: scheme: %w", err)
	}
	return Scheme(v), nil
}

// storeScheme writes the scheme setting and records the switch in catalog_changes.
func storeScheme(ctx context.Context, tx bun.Tx, from, to Scheme) (change, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, to_jsonb(?::text))
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, schemeSetting, string(to))
	if err != nil {
		return change{}, fmt.Errorf("catalog: store scheme: %w", err)
	}
	return change{action: "scheme", before: map[string]Scheme{"scheme": from}, after: map[string]Scheme{"scheme": to}}, nil
}

// SetScheme names the priorities after a scheme (admin only); custom keeps the names as they are.
func (s *Store) SetScheme(ctx context.Context, subj access.Subject, req SchemeRequest) (*SchemeResult, error) {
	if _, err := s.authorize(subj, Priorities); err != nil {
		return nil, err
	}
	out := &SchemeResult{PriorityScheme: req.Scheme}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lock(ctx, tx, Priorities); err != nil {
			return err
		}
		from, err := currentScheme(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.NewSelect().Model(&out.Priorities).OrderExpr("position, id").For("UPDATE").Scan(ctx); err != nil {
			return fmt.Errorf("catalog: scheme: %w", err)
		}
		var changes []change
		for i := range out.Priorities {
			p := &out.Priorities[i]
			names, ok := schemeNames[req.Scheme][p.Key]
			if !ok || (p.NameES == names[0] && p.NameEN == names[1]) {
				continue
			}
			before := *p
			p.NameES, p.NameEN, p.Version = names[0], names[1], p.Version+1
			if _, err := tx.NewUpdate().Model(p).Column("name_es", "name_en", "version").WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("catalog: scheme: %w", err)
			}
			changes = append(changes, change{action: "scheme", entryID: p.ID, before: &before, after: p})
		}
		if from != req.Scheme {
			c, err := storeScheme(ctx, tx, from, req.Scheme)
			if err != nil {
				return err
			}
			changes = append(changes, c)
		}
		if len(changes) == 0 {
			return nil
		}
		return written(ctx, tx, subj, Priorities, changes)
	})
	if err != nil {
		return nil, err
	}
	es := make([]Entry, len(out.Priorities))
	for i := range out.Priorities {
		es[i] = &out.Priorities[i]
	}
	if err := fillUsage(ctx, s.db, Priorities, es...); err != nil {
		return nil, err
	}
	return out, nil
}

// renamedPriority makes the scheme custom when an administrator renames a priority: the names are theirs.
func renamedPriority(ctx context.Context, tx bun.Tx, before, after *Priority) ([]change, error) {
	if before.NameES == after.NameES && before.NameEN == after.NameEN {
		return nil, nil
	}
	from, err := currentScheme(ctx, tx)
	if err != nil || from == Custom {
		return nil, err
	}
	c, err := storeScheme(ctx, tx, from, Custom)
	if err != nil {
		return nil, err
	}
	return []change{c}, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
