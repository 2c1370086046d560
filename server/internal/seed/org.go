package seed

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/people"
)

// NetworkPerson is a person of the demo genealogy without a login: Sponsor names another by email
// ("" for a root; the demo consultant and customer logins are placed by Placement).
type NetworkPerson struct {
	Email, Name, Kind, Rank, Sponsor string
}

// Network is the demo genealogy. Carolina Rojas (the consultant login) sits under Beatriz Gómez; her
// downline is Diana López, and under Diana, Esteban Ruiz and his customer Fernanda Castro. Camilo Pérez
// (the customer login) is Carolina's own customer. Gustavo Herrera's branch is unrelated to hers.
var Network = []NetworkPerson{
	{"beatriz.gomez@atiende.test", "Beatriz Gómez", "consultant", "Diamante", ""},
	{"diana.lopez@atiende.test", "Diana López", "consultant", "Oro", "consultant@atiende.test"},
	{"esteban.ruiz@atiende.test", "Esteban Ruiz", "consultant", "Plata", "diana.lopez@atiende.test"},
	{"fernanda.castro@atiende.test", "Fernanda Castro", "customer", "", "esteban.ruiz@atiende.test"},
	{"gustavo.herrera@atiende.test", "Gustavo Herrera", "consultant", "Oro", ""},
	{"helena.vargas@atiende.test", "Helena Vargas", "consultant", "Bronce", "gustavo.herrera@atiende.test"},
	{"ivan.moreno@atiende.test", "Iván Moreno", "customer", "", "helena.vargas@atiende.test"},
}

// Placement puts the demo logins into the genealogy: login email → sponsor email.
var Placement = map[string]string{
	"consultant@atiende.test": "beatriz.gomez@atiende.test",
	"customer@atiende.test":   "consultant@atiende.test",
}

// EscalationRole is the demo's custom role: the team that works the third-level (escalation) queue,
// which plain agents do not see. Mateo García (agent2) holds it; the supervisor supervises the first two
// levels.
const EscalationRole = "escalation"

// organise writes the demo genealogy, the specialists role and the queues' roles and supervisors, and
// returns the persons of the network by email (logins included) to request tickets.
func organise(ctx context.Context, tx bun.Tx, logins map[string]*people.User) (map[string]int64, error) {
	ids := map[string]int64{}
	for email, u := range logins {
		ids[email] = u.ID
	}
	kind := map[access.Role]string{access.Consultant: "consultant", access.Customer: "customer"}
	for _, l := range Logins {
		k, ok := kind[l.Role]
		if !ok {
			k = "employee"
		}
		if _, err := tx.NewUpdate().Table("users").Set("kind = ?", k).
			Set("commercial_status = ?", map[bool]any{true: "active", false: nil}[k == "consultant"]).
			Set("rank = ?", map[bool]any{true: "Oro", false: nil}[k == "consultant"]).
			Where("id = ?", ids[l.Email]).Exec(ctx); err != nil {
			return nil, fmt.Errorf("seed: people: %w", err)
		}
	}
	place := func(email, sponsor string) error {
		// ancestors: the sponsor's chain and the person; the sponsor is always written first.
		_, err := tx.NewRaw(`UPDATE users SET sponsor_id = s.id, ancestors = s.ancestors || users.id
			FROM users s WHERE s.id = ? AND users.id = ?`, ids[sponsor], ids[email]).Exec(ctx)
		return err
	}
	for _, p := range Network {
		var id int64
		var sponsor *int64
		if p.Sponsor != "" {
			s := ids[p.Sponsor]
			sponsor = &s
		}
		var rank, status any
		if p.Kind == "consultant" {
			rank, status = p.Rank, "active"
		}
		if err := tx.NewRaw(`INSERT INTO users (email, name, role, kind, rank, commercial_status, sponsor_id, locale)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'es') RETURNING id`, p.Email, p.Name, p.Kind, p.Kind, rank, status, sponsor).Scan(ctx, &id); err != nil {
			return nil, fmt.Errorf("seed: network: %w", err)
		}
		ids[p.Email] = id
		if p.Email == "beatriz.gomez@atiende.test" {
			if err := place("consultant@atiende.test", p.Email); err != nil {
				return nil, fmt.Errorf("seed: network: %w", err)
			}
			if err := place("customer@atiende.test", "consultant@atiende.test"); err != nil {
				return nil, fmt.Errorf("seed: network: %w", err)
			}
		}
	}
	var specialists int64
	if err := tx.NewRaw(`INSERT INTO roles (key, name_es, name_en) VALUES (?, 'Equipo de escalamiento', 'Escalation team') RETURNING id`,
		EscalationRole).Scan(ctx, &specialists); err != nil {
		return nil, fmt.Errorf("seed: roles: %w", err)
	}
	if _, err := tx.NewRaw(`INSERT INTO role_permissions (role_id, permission) SELECT ?, p FROM unnest(?::text[]) p`,
		specialists, pgdialect.Array([]string{access.TicketViewByRole.Key(), access.TicketUpdate.Key(), access.TicketCommentInternal.Key()})).Exec(ctx); err != nil {
		return nil, fmt.Errorf("seed: roles: %w", err)
	}
	if _, err := tx.NewRaw(`INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)`, ids["agent2@atiende.test"], specialists).Exec(ctx); err != nil {
		return nil, fmt.Errorf("seed: roles: %w", err)
	}
	if _, err := tx.NewRaw(`UPDATE queues SET role_ids = ARRAY[?::bigint] WHERE key = 'level_3'`, specialists).Exec(ctx); err != nil {
		return nil, fmt.Errorf("seed: queues: %w", err)
	}
	if _, err := tx.NewRaw(`UPDATE queues SET supervisor_ids = ARRAY[?::bigint] WHERE key IN ('level_1', 'level_2')`,
		ids["supervisor@atiende.test"]).Exec(ctx); err != nil {
		return nil, fmt.Errorf("seed: queues: %w", err)
	}
	// Members: both agents work the first two levels (their role's queues), Mateo the escalation queue
	// too (his escalation role's). Every queue starts manual: the admin turns on round-robin or
	// least-loaded per queue.
	agents := pgdialect.Array([]int64{ids["agent1@atiende.test"], ids["agent2@atiende.test"]})
	if _, err := tx.NewRaw(`UPDATE queues SET member_ids = ? WHERE key IN ('level_1', 'level_2')`, agents).Exec(ctx); err != nil {
		return nil, fmt.Errorf("seed: queues: %w", err)
	}
	if _, err := tx.NewRaw(`UPDATE queues SET member_ids = ARRAY[?::bigint] WHERE key = 'level_3'`, ids["agent2@atiende.test"]).Exec(ctx); err != nil {
		return nil, fmt.Errorf("seed: queues: %w", err)
	}
	return ids, nil
}
