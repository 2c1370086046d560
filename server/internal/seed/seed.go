// Package seed fills an empty database with the demo (the catalogs' defaults come with the migrations): one login per role and about 300
// tickets built from the typification cases of the seed documents.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/i18n"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/tickets"
	"github.com/atiende/atiende/server/internal/workflow"
)

// DemoPassword is the password of every demo login.
const DemoPassword = "atiende-demo"

// Login is a demo account.
type Login struct {
	Email, Name string
	Role        access.Role
}

// Logins are the demo accounts, one per role.
var Logins = []Login{
	{"admin@atiende.test", "Adriana Méndez", access.Admin},
	{"supervisor@atiende.test", "Sergio Ramírez", access.Supervisor},
	{"agent1@atiende.test", "Lucía Torres", access.Agent},
	{"agent2@atiende.test", "Mateo García", access.Agent},
	{"consultant@atiende.test", "Carolina Rojas", access.Consultant},
	{"customer@atiende.test", "Camilo Pérez", access.Customer},
}

// Cases are the 22 typification cases of the seed documents (case, category), in Spanish and English.
var Cases = []struct{ ES, EN, CategoryES, CategoryEN string }{
	{"Cambio y devolución sin aplicar", "Exchange or return not applied", "Cambios y devoluciones", "Exchanges and returns"},
	{"Solicitud de cambios y devoluciones", "Exchange or return request", "Cambios y devoluciones", "Exchanges and returns"},
	{"Derecho de petición", "Formal petition", "Legales", "Legal"},
	{"Error en liquidación de la factura", "Invoice calculation error", "Sistema", "System"},
	{"Fraude suplantación de identidad", "Identity theft fraud", "Comercial", "Commercial"},
	{"Mayor flete cobrado", "Shipping overcharged", "Sistema", "System"},
	{"Cliente no hizo pedido", "Customer did not place the order", "Comercial", "Commercial"},
	{"Pago sin identificar", "Unidentified payment", "Financiera", "Finance"},
	{"Pedido no recibido", "Order not received", "Operaciones", "Operations"},
	{"Pedido recibido sin solicitarlo", "Order received without asking for it", "Operaciones", "Operations"},
	{"Productos recibidos diferente a lo solicitado", "Products received differ from the order", "Operaciones", "Operations"},
	{"Queja de calidad", "Quality complaint", "Servicio al cliente", "Customer service"},
	{"Queja de entrega de pedidos", "Order delivery complaint", "Operaciones", "Operations"},
	{"Queja de funcionario de agencia de cobranza", "Complaint about a collection agency officer", "Financiera", "Finance"},
	{"Queja de funcionario de la compañía", "Complaint about a company employee", "Operaciones", "Operations"},
	{"Reclamo producto facturado y no enviado", "Product invoiced but not shipped", "Operaciones", "Operations"},
	{"Reclamo proceso de facturación", "Invoicing process claim", "Operaciones", "Operations"},
	{"Solicitud actualización de datos", "Data update request", "Servicio al cliente", "Customer service"},
	{"Solicitud paz y salvo y referencias comerciales", "Clearance certificate and commercial references request", "Servicio al cliente", "Customer service"},
	{"Solicitud posible nuevo cliente", "Possible new customer request", "Comercial", "Commercial"},
	{"Dificultades con pedidos", "Difficulties placing orders", "Servicio al cliente", "Customer service"},
	{"Sugerencia y/o felicitaciones", "Suggestion or compliment", "Servicio al cliente", "Customer service"},
}

// Result tells what the seed did.
type Result struct {
	Seeded  bool
	Tickets int
}

// Run seeds the demo when the database has no users, else does nothing.
func Run(ctx context.Context, db *bun.DB, ppl *people.Store, svc *tickets.Service, nTickets int) (Result, error) {
	n, err := ppl.Count(ctx)
	if err != nil {
		return Result{}, err
	}
	if n > 0 {
		return Result{}, nil
	}
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return Result{}, err
	}
	r := rand.New(rand.NewPCG(42, 2026))
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		users := map[access.Role][]*people.User{}
		logins := map[string]*people.User{}
		for _, l := range Logins {
			u := &people.User{Email: l.Email, Name: l.Name, PasswordHash: hash, Role: l.Role, Locale: i18n.ES}
			if err := ppl.Create(ctx, tx, u); err != nil {
				return err
			}
			users[l.Role] = append(users[l.Role], u)
			logins[l.Email] = u
		}
		persons, err := organise(ctx, tx, logins)
		if err != nil {
			return err
		}
		var statusIDs, priorityIDs []int64
		if err := tx.NewSelect().Table("statuses").Column("id").Where("key IN (?)", bun.In(workflow.GenericStatusKeys)).OrderExpr("id").Scan(ctx, &statusIDs); err != nil {
			return err
		}
		if err := tx.NewSelect().Table("priorities").Column("id").OrderExpr("id").Scan(ctx, &priorityIDs); err != nil {
			return err
		}
		typ, err := LoadTypification(ctx, tx)
		if err != nil {
			return err
		}
		staff := append(append(append([]*people.User{}, users[access.Agent]...), users[access.Supervisor]...), users[access.Admin]...)
		// Requesters: the two logins most often, then the rest of the network.
		requesters := []int64{persons["customer@atiende.test"], persons["consultant@atiende.test"]}
		for _, p := range Network {
			requesters = append(requesters, persons[p.Email])
		}
		requesterWeights := []int{20, 14, 6, 8, 8, 8, 10, 8, 10}
		system := access.Subject{}
		var everyone []people.User
		if err := tx.NewSelect().Model(&everyone).Scan(ctx); err != nil {
			return err
		}
		byID := map[int64]*people.User{}
		for i := range everyone {
			byID[everyone[i].ID] = &everyone[i]
		}
		// Spread over the statuses the way a working desk looks: most closed, a live backlog.
		weights := []int{18, 12, 6, 10, 54}
		now := time.Now()
		for i := range nTickets {
			ci := r.IntN(len(Cases))
			c := Cases[ci]
			st := statusIDs[Pick(r, weights)]
			// A ticket whose typification follows another workflow (a credit note, a backorder) stays among
			// that workflow's states: waiting becomes in progress, closed becomes resolved.
			if svc.Flow != nil {
				_, _, states, err := svc.Flow.Start(ctx, tx, &typ.Category[ci], &typ.Subcategory[ci], "")
				if err != nil {
					return err
				}
				if !slices.Contains(states, st) {
					st = map[int64]int64{statusIDs[2]: statusIDs[1], statusIDs[4]: statusIDs[3]}[st]
				}
			}
			var assignee *int64
			if st != statusIDs[0] || r.IntN(3) == 0 {
				assignee = &staff[r.IntN(len(staff))].ID
			}
			var requester, affected *int64
			if r.IntN(3) > 0 {
				requester = &requesters[Pick(r, requesterWeights)]
				if r.IntN(8) == 0 {
					affected = &requesters[r.IntN(len(requesters))]
				}
			}
			created := now.Add(-time.Duration(r.IntN(60*24*60)) * time.Minute)
			card, err := svc.Create(ctx, tx, system, tickets.NewTicket{
				Subject:     fmt.Sprintf("%s — pedido %d", c.ES, 48000+r.IntN(9000)),
				Description: c.CategoryES + ": " + c.ES,
				StatusID:    st, PriorityID: priorityIDs[Pick(r, []int{10, 25, 35, 30})],
				AssigneeID: assignee, RequesterID: requester, AffectedID: affected, CreatedAt: created,
				CategoryID: &typ.Category[ci], SubcategoryID: &typ.Subcategory[ci],
				ChannelID: &typ.Channels[Pick(r, ChannelWeights)], QueueID: &typ.Queues[Pick(r, QueueWeights)],
			})
			if err != nil {
				return fmt.Errorf("seed: ticket %d: %w", i, err)
			}
			if st != statusIDs[0] && assignee != nil && r.IntN(3) > 0 {
				if err := conversation(ctx, tx, svc, r, card.ID, byID[*assignee], byIDOrNil(byID, requester), created, now); err != nil {
					return fmt.Errorf("seed: ticket %d: %w", i, err)
				}
			}
		}
		return seedOrders(ctx, tx, persons, now)
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Seeded: true, Tickets: nTickets}, nil
}

func byIDOrNil(m map[int64]*people.User, id *int64) *people.User {
	if id == nil {
		return nil
	}
	return m[*id]
}

// The demo conversation: what requesters write, what agents answer, what they note for each other.
var (
	requesterLines = []string{
		"Hola, ¿hay alguna novedad? Necesito una respuesta esta semana.",
		"Adjunto a continuación el número de pedido que me pidieron. Quedo atento.",
		"Gracias por la pronta respuesta. ¿Cuándo se verá reflejado en mi cuenta?",
	}
	agentLines = []string{
		"Hola %s, revisamos el caso **#%d** y ya lo escalamos al área encargada. Te escribiremos en cuanto tengamos respuesta.",
		"Hola %s, confirmamos lo que nos cuentas sobre el caso #%d. Para avanzar necesitamos:\n\n- el número de pedido\n- una foto del producto o de la factura",
		"Hola %s, el caso #%d quedó gestionado: verás el ajuste en tu cuenta en un máximo de 48 horas.",
	}
	noteLines = []string{
		"Revisado con bodega: el despacho salió incompleto. Pedí el reenvío.",
		"Cliente con dos casos similares este mes; revisar antes de aprobar una nota crédito.",
		"Pendiente confirmación de cartera para liberar el pedido.",
	}
)

// conversation writes a short, dated exchange on a demo ticket: the requester (when there is one)
// writes, the assignee answers, and sometimes leaves an internal note.
func conversation(ctx context.Context, tx bun.Tx, svc *tickets.Service, r *rand.Rand, id int64, agent, requester *people.User, created, now time.Time) error {
	t, err := svc.Ticket(ctx, tx, id)
	if err != nil || t == nil {
		return fmt.Errorf("seed: conversation: %v", err)
	}
	at := created
	step := func() time.Time {
		at = at.Add(time.Duration(20+r.IntN(600)) * time.Minute)
		if at.After(now) {
			at = now
		}
		return at
	}
	agentSubj, err := people.SubjectIn(ctx, tx, agent)
	if err != nil {
		return err
	}
	name := "cliente"
	if requester != nil {
		name = requester.Name
		reqSubj, err := people.SubjectIn(ctx, tx, requester)
		if err != nil {
			return err
		}
		if _, err := svc.WriteComment(ctx, tx, reqSubj, t, tickets.NewComment{
			Body: requesterLines[r.IntN(len(requesterLines))], Public: true, At: step()}); err != nil {
			return err
		}
	}
	if _, err := svc.WriteComment(ctx, tx, agentSubj, t, tickets.NewComment{
		Body: fmt.Sprintf(agentLines[r.IntN(len(agentLines))], name, t.Number), Public: true, At: step()}); err != nil {
		return err
	}
	if r.IntN(2) == 0 {
		if _, err := svc.WriteComment(ctx, tx, agentSubj, t, tickets.NewComment{
			Body: noteLines[r.IntN(len(noteLines))], Public: false, At: step()}); err != nil {
			return err
		}
	}
	return nil
}

// ChannelWeights and QueueWeights spread demo tickets over the channels and queues in the order the
// migration inserts them: most come from the sites, the chatbot and email; most stay on level 1.
var (
	ChannelWeights = []int{25, 10, 5, 15, 5, 12, 18, 10}
	QueueWeights   = []int{75, 20, 5}
)

// Typification is the catalog ids the demo tickets use: per case of Cases its category and
// subcategory (found by the subcategory's Spanish name), and the channels and queues by id.
type Typification struct {
	Category, Subcategory []int64 // indexed like Cases
	Channels, Queues      []int64
}

// LoadTypification reads the ids of the migration's categories, channels and queues.
func LoadTypification(ctx context.Context, db bun.IDB) (*Typification, error) {
	var subs []struct {
		ID       int64  `bun:"id"`
		ParentID int64  `bun:"parent_id"`
		NameES   string `bun:"name_es"`
	}
	if err := db.NewSelect().Table("categories").Column("id", "parent_id", "name_es").Where("parent_id IS NOT NULL").Scan(ctx, &subs); err != nil {
		return nil, fmt.Errorf("seed: categories: %w", err)
	}
	t := &Typification{Category: make([]int64, len(Cases)), Subcategory: make([]int64, len(Cases))}
	for i, c := range Cases {
		for _, sc := range subs {
			if sc.NameES == c.ES {
				t.Category[i], t.Subcategory[i] = sc.ParentID, sc.ID
			}
		}
		if t.Subcategory[i] == 0 {
			return nil, fmt.Errorf("seed: no subcategory named %q", c.ES)
		}
	}
	if err := db.NewSelect().Table("channels").Column("id").OrderExpr("id").Scan(ctx, &t.Channels); err != nil {
		return nil, fmt.Errorf("seed: channels: %w", err)
	}
	if err := db.NewSelect().Table("queues").Column("id").OrderExpr("id").Scan(ctx, &t.Queues); err != nil {
		return nil, fmt.Errorf("seed: queues: %w", err)
	}
	if len(t.Channels) != len(ChannelWeights) || len(t.Queues) != len(QueueWeights) {
		return nil, fmt.Errorf("seed: expected %d channels and %d queues from the migrations", len(ChannelWeights), len(QueueWeights))
	}
	return t, nil
}

// Pick returns an index chosen at random in proportion to the weights.
func Pick(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}
