package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
)

const (
	workflowDatabase = "atiende_bench_workflow"
	workflowPrefix   = "bench-workflow"
	workflowPassword = "bench-workflow-password"
	workflowAdmin    = "bench-workflow-admin@atiende.test"
)

// runWorkflow measures status moves end to end through the HTTP API of a running instance while 100
// automation rules are active: each move runs the workflow (when one decides the ticket's statuses) and
// then every rule's conditions, and the few that match act (a note, an assignee, a tag).
func runWorkflow(ctx context.Context, cfg app.Config, log *slog.Logger, args []string) (string, error) {
	fs := flag.NewFlagSet("bench workflow", flag.ContinueOnError)
	n := fs.Int("transitions", 2000, "timed status moves")
	nTickets := fs.Int("tickets", 500, "tickets the moves go round")
	nRules := fs.Int("rules", 100, "active automation rules")
	warmup := fs.Int("warmup", 100, "untimed moves before timing")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if *n < 1 || *nTickets < 1 || *nRules < 3 || *warmup < 0 {
		return "", errors.New("bench workflow: -transitions and -tickets must be positive, -rules at least 3")
	}
	dbURL, drop, err := freshDatabase(ctx, cfg.DatabaseURL, workflowDatabase)
	if err != nil {
		return "", err
	}
	defer drop()
	a, err := app.New(ctx, benchConfig(cfg, dbURL, workflowPrefix), log)
	if err != nil {
		return "", err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		clearRedisPrefix(cctx, a.Redis, workflowPrefix)
		_ = a.Close(cctx)
	}()
	if err := a.Start(ctx); err != nil {
		return "", err
	}
	clearRedisPrefix(ctx, a.Redis, workflowPrefix)

	ids, statuses, err := seedWorkflow(ctx, a, *nTickets, *nRules)
	if err != nil {
		return "", err
	}
	base := "http://" + a.Addr()
	session, err := login(ctx, base, workflowAdmin, workflowPassword)
	if err != nil {
		return "", err
	}
	versions := make(map[int64]int64, len(ids))
	for _, id := range ids {
		versions[id] = 1
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	// Each move takes a ticket to the other of two statuses of the generic workflow (unattended ⇄ in
	// progress), at the version the previous answer gave.
	move := func(i int) error {
		id := ids[i%len(ids)]
		to := statuses[(i/len(ids)+1)%2]
		body, _ := json.Marshal(map[string]int64{"status_id": to, "version": versions[id]})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/api/v1/tickets/%d/move", base, id), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(auth.CSRFHeader, "bench")
		req.Header.Set("Cookie", auth.SessionCookie+"="+session+"; "+auth.CSRFCookie+"=bench")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("bench workflow: move ticket %d: %s: %s", id, resp.Status, out)
		}
		var card struct {
			Version int64 `json:"version"`
		}
		if err := json.Unmarshal(out, &card); err != nil {
			return err
		}
		versions[id] = card.Version
		return nil
	}
	for i := range *warmup {
		if err := move(i); err != nil {
			return "", err
		}
	}
	samples := make([]time.Duration, 0, *n)
	start := time.Now()
	for i := range *n {
		t := time.Now()
		if err := move(*warmup + i); err != nil {
			return "", err
		}
		samples = append(samples, time.Since(t))
	}
	wall := time.Since(start)
	var firings, notes int64
	_ = a.DB.Bun.NewRaw("SELECT count(*) FROM ticket_history WHERE field = 'rule'").Scan(ctx, &firings)
	_ = a.DB.Bun.NewRaw("SELECT count(*) FROM ticket_comments WHERE NOT public").Scan(ctx, &notes)
	slices.Sort(samples)
	p50, p95, p99 := percentile(samples, 0.50), percentile(samples, 0.95), percentile(samples, 0.99)
	fmt.Printf("bench workflow: %d tickets, %d active rules; %d moves (after %d warm-up) through POST /api/v1/tickets/{id}/move, one keep-alive client, in %s (%.0f/s)\n",
		len(ids), *nRules, *n, *warmup, wall.Round(time.Millisecond), float64(*n)/wall.Seconds())
	fmt.Printf("rule firings recorded: %d; internal notes written by rules: %d\n", firings, notes)
	fmt.Printf("move latency: p50 %s ms  p95 %s ms  p99 %s ms  max %s ms\n", ms(p50), ms(p95), ms(p99), ms(samples[len(samples)-1]))
	return fmt.Sprintf("bench-workflow rules=%d transition_p50_ms=%s transition_p95_ms=%s transition_p99_ms=%s", *nRules, ms(p50), ms(p95), ms(p99)), nil
}

// seedWorkflow inserts the admin who moves tickets, the tickets (every tenth about something urgent) and
// the rules: three that match moves (a note when a ticket goes back to unattended, the mover as assignee
// when it starts, critical priority for urgent subjects) and the rest a realistic mix that does not.
func seedWorkflow(ctx context.Context, a *app.App, nTickets, nRules int) ([]int64, [2]int64, error) {
	var statuses [2]int64
	hash, err := auth.HashPassword(workflowPassword)
	if err != nil {
		return nil, statuses, err
	}
	admin := &people.User{Email: workflowAdmin, Name: "Administración de prueba", PasswordHash: hash, Role: access.Admin, Locale: i18n.ES}
	var ids []int64
	err = a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := a.People.Create(ctx, tx, admin); err != nil {
			return err
		}
		key := func(table, k string) (int64, error) {
			var id int64
			err := tx.NewRaw("SELECT id FROM ? WHERE key = ?", bun.Ident(table), k).Scan(ctx, &id)
			return id, err
		}
		var err error
		if statuses[0], err = key("statuses", "unattended"); err != nil {
			return err
		}
		if statuses[1], err = key("statuses", "in_progress"); err != nil {
			return err
		}
		critical, err := key("priorities", "do")
		if err != nil {
			return err
		}
		medium, err := key("priorities", "delegate")
		if err != nil {
			return err
		}
		queue, err := a.Catalog.DefaultQueue(ctx, tx)
		if err != nil || queue == nil {
			return fmt.Errorf("bench workflow: default queue: %v", err)
		}
		for i := range nTickets {
			subject := fmt.Sprintf("Pedido %d no llegó completo", 48000+i)
			if i%10 == 0 {
				subject = fmt.Sprintf("URGENTE: pedido %d sin entregar", 48000+i)
			}
			c, err := a.Tickets.Create(ctx, tx, access.Subject{}, tickets.NewTicket{Subject: subject, StatusID: statuses[0],
				PriorityID: medium, QueueID: &queue.ID, Tags: []string{"pedido"}})
			if err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		type rule struct {
			name       string
			match      string
			conditions []map[string]any
			actions    []map[string]any
		}
		rules := []rule{
			{"Reabierto: nota", "all", []map[string]any{{"field": "changed", "op": "eq", "value": "status_id"},
				{"field": "status_id", "op": "eq", "value": statuses[0]}},
				[]map[string]any{{"kind": "add_note", "value": "Volvió a sin atender."}}},
			{"En curso: asignar a quien lo mueve", "all", []map[string]any{{"field": "status_id", "op": "eq", "value": statuses[1]},
				{"field": "assignee_id", "op": "is_empty"}}, []map[string]any{{"kind": "set_assignee", "value": admin.ID}}},
			{"Urgente → Altísima", "any", []map[string]any{{"field": "subject", "op": "contains", "value": "urgente"},
				{"field": "description", "op": "contains", "value": "urgente"}},
				[]map[string]any{{"kind": "set_priority", "value": critical}}},
		}
		words := []string{"reembolso", "garantía", "factura duplicada", "cambio de talla", "cupón", "contraseña", "catálogo",
			"transferencia", "devolución", "cobro doble", "dirección", "puntos"}
		for i := len(rules); i < nRules; i++ {
			w := words[i%len(words)]
			var r rule
			switch i % 5 {
			case 0:
				r = rule{fmt.Sprintf("Asunto «%s» %d", w, i), "any", []map[string]any{{"field": "subject", "op": "contains", "value": w},
					{"field": "description", "op": "contains", "value": w}}, []map[string]any{{"kind": "add_tag", "value": fmt.Sprintf("t%d", i)}}}
			case 1:
				r = rule{fmt.Sprintf("VIP crítico %d", i), "all", []map[string]any{{"field": "tags", "op": "contains", "value": "vip"},
					{"field": "priority_id", "op": "neq", "value": critical}}, []map[string]any{{"kind": "set_priority", "value": critical}}}
			case 2:
				r = rule{fmt.Sprintf("Estancado %d", i), "all", []map[string]any{{"field": "minutes_in_state", "op": "gt", "value": 1440 + i},
					{"field": "status_id", "op": "in", "value": []int64{statuses[0], statuses[1]}}},
					[]map[string]any{{"kind": "notify", "value": map[string]any{"to": "queue_supervisors",
						"text_es": "El caso #{{ticket.number}} lleva más de un día sin moverse", "text_en": "Case #{{ticket.number}} has not moved for a day"}}}}
			case 3:
				r = rule{fmt.Sprintf("Sin cola %d", i), "all", []map[string]any{{"field": "queue_id", "op": "is_empty"},
					{"field": "changed", "op": "eq", "value": "queue_id"}}, []map[string]any{{"kind": "set_queue", "value": queue.ID}}}
			default:
				r = rule{fmt.Sprintf("Prioridad crítica sin asignar %d", i), "all", []map[string]any{{"field": "priority_id", "op": "eq", "value": critical},
					{"field": "tags", "op": "contains", "value": fmt.Sprintf("escalar-%d", i)}}, []map[string]any{{"kind": "add_tag", "value": "escalado"}}}
			}
			rules = append(rules, r)
		}
		for i, r := range rules {
			conds, _ := json.Marshal(r.conditions)
			acts, _ := json.Marshal(r.actions)
			if _, err := tx.NewRaw(`INSERT INTO automation_rules (name, position, active, on_create, on_update, match, conditions, actions)
				VALUES (?, ?, true, false, true, ?, ?, ?)`, r.name, i+1, r.match, string(conds), string(acts)).Exec(ctx); err != nil {
				return err
			}
		}
		_, err = tx.NewRaw("UPDATE automation_rules SET position = position + ? WHERE active = false", len(rules)).Exec(ctx)
		if err != nil {
			return err
		}
		_, err = tx.NewRaw("UPDATE automation_state SET stamp = stamp + 1").Exec(ctx)
		return err
	})
	if err != nil {
		return nil, statuses, fmt.Errorf("bench workflow: seed: %w", err)
	}
	return ids, statuses, nil
}
