package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"
	"gopkg.in/yaml.v3"

	"github.com/atiende/atiende/server/internal/access"
	"github.com/atiende/atiende/server/internal/accounts"
	"github.com/atiende/atiende/server/internal/apikeys"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/automation"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/commerce"
	"github.com/atiende/atiende/server/internal/dashboard"
	"github.com/atiende/atiende/server/internal/db"
	"github.com/atiende/atiende/server/internal/deskday"
	"github.com/atiende/atiende/server/internal/jobs"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/notify"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/portal"
	"github.com/atiende/atiende/server/internal/queue"
	"github.com/atiende/atiende/server/internal/sla"
	"github.com/atiende/atiende/server/internal/tasks"
	"github.com/atiende/atiende/server/internal/tickets"
	"github.com/atiende/atiende/server/internal/webform"
	"github.com/atiende/atiende/server/internal/workflow"
	"github.com/atiende/atiende/shared/api"
)

// App is one Atiende server instance.
type App struct {
	Config Config
	Log    *slog.Logger
	DB     *db.DB
	Redis  *redis.Client
	Hub    *live.Hub
	Relay  *live.Relay
	// Presence tracks who views and who writes on each ticket.
	Presence *live.Presence
	// Online tracks who has a live connection, across instances.
	Online *live.OnlineSet
	// Queues runs queue operations and automatic assignment.
	Queues *queue.Service
	Fiber  *fiber.App
	// Jobs is the background work queue (River): SLA timers, email, reminders.
	Jobs *jobs.Jobs

	People  *people.Store
	Persons *people.Service
	Catalog *catalog.Store
	Auth    *auth.Service
	Tickets *tickets.Service
	// Accounts manages users, roles and set-password links.
	Accounts *accounts.Service
	// Commerce is the commerce data tickets act on: the built-in store, or an adapter replacing it.
	Commerce commerce.Store
	// Attachments holds the bytes of attached files.
	Attachments attachments.Store
	// Automation runs rules (a ticket hook), macros and notifications.
	Automation *automation.Service
	// Workflows decides tickets' workflows and runs their transitions.
	Workflows *workflow.Service
	// SLA keeps tickets' SLA clocks, their policies and calendars, and fires their timers.
	SLA *sla.Service
	// Notify renders, queues and sends email, and keeps mail preferences and watchers.
	Notify *notify.Service
	// Tasks runs tasks on tickets, the daily digest of overdue tasks and information requests.
	Tasks *tasks.Service
	// WebForm is the public web form and the tickets' tracking links.
	WebForm *webform.Service
	// Dashboard answers the dashboard's widgets and keeps each user's layout.
	Dashboard *dashboard.Service
	// Portal lists customers' and consultants' orders; MagicLinks signs them in by emailed link.
	Portal     *portal.Service
	MagicLinks *auth.MagicLinks
	// APIKeys holds the keys bots and other systems act with.
	APIKeys *apikeys.Service

	openapiJSON []byte
	ready       atomic.Bool
	ln          net.Listener
	cancel      context.CancelFunc
	workers     sync.WaitGroup
	closeOnce   sync.Once
}

// New connects to PostgreSQL and Redis, applies migrations and builds the services and the router.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	// A Config built in code (tests) may leave the attachment settings zero: use the defaults.
	if cfg.AttachmentMaxBytes <= 0 {
		cfg.AttachmentMaxBytes = DefaultAttachmentMaxBytes
	}
	if cfg.AttachmentsDir == "" {
		cfg.AttachmentsDir = DefaultAttachmentsDir
	}
	a := &App{Config: cfg, Log: log}
	var err error
	if a.DB, err = db.Open(ctx, cfg.DatabaseURL, int32(cfg.DBMaxConns)); err != nil {
		return nil, err
	}
	ropts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		a.DB.Close()
		return nil, fmt.Errorf("app: REDIS_URL: %w", err)
	}
	a.Redis = redis.NewClient(ropts)
	if err := a.Redis.Ping(ctx).Err(); err != nil {
		a.closeStores()
		return nil, fmt.Errorf("app: redis ping: %w", err)
	}
	if err := db.Migrate(ctx, a.DB.Bun, log); err != nil {
		a.closeStores()
		return nil, err
	}
	if a.openapiJSON, err = yamlToJSON(api.OpenAPIYAML); err != nil {
		a.closeStores()
		return nil, err
	}
	if a.Jobs, err = jobs.New(a.DB.Pool, a.DB.SQL(), log); err != nil {
		a.closeStores()
		return nil, err
	}
	a.People = people.NewStore(a.DB.Bun)
	a.Persons = &people.Service{DB: a.DB.Bun}
	a.Catalog = catalog.NewStore(a.DB.Bun)
	a.Commerce = commerce.NewPG()
	a.Auth = &auth.Service{DB: a.DB.Bun, People: a.People, Redis: a.Redis, KeyPrefix: cfg.RedisPrefix,
		SessionTTL: cfg.SessionTTL, MaxPerIP: cfg.LoginMaxPerIP, MaxPerEmail: cfg.LoginMaxPerMail, Window: cfg.LoginWindow}
	a.Tickets = &tickets.Service{DB: a.DB.Bun, Catalog: a.Catalog, People: a.People}
	a.Workflows = &workflow.Service{DB: a.DB.Bun, Tickets: a.Tickets, Commerce: a.Commerce}
	a.Tickets.Flow = a.Workflows
	// A genealogy move recomputes the network of the moved persons' tickets and tells the consultants
	// who gain or lose them, in the move's transaction.
	a.Persons.NetworkChanged = func(ctx context.Context, tx bun.IDB, subj access.Subject, ids []int64) error {
		_, err := a.Tickets.RefreshNetwork(ctx, tx, subj, ids)
		return err
	}
	a.Automation = &automation.Service{DB: a.DB.Bun, Tickets: a.Tickets, Catalog: a.Catalog, People: a.People}
	a.Tickets.Hooks = append(a.Tickets.Hooks, a.Automation.Hook)
	a.Automation.RegisterTimed(a.Jobs)
	a.Workflows.Notifier = a.Automation
	a.Accounts = &accounts.Service{DB: a.DB.Bun, Auth: a.Auth, People: a.People}
	if cfg.AttachmentsS3 != nil {
		if a.Attachments, err = attachments.NewS3(ctx, *cfg.AttachmentsS3); err != nil {
			a.closeStores()
			return nil, err
		}
	} else {
		a.Attachments = attachments.NewDisk(cfg.AttachmentsDir)
	}
	if cfg.DeskTimeZone == nil {
		if cfg.DeskTimeZone, err = time.LoadLocation(DefaultDeskTimeZone); err != nil {
			a.closeStores()
			return nil, fmt.Errorf("app: desk time zone: %w", err)
		}
		a.Config.DeskTimeZone = cfg.DeskTimeZone
	}
	a.Auth.DeskTimeZone = cfg.DeskTimeZone
	// Dashboards and reports count the desk's days: the database keys its rollups in the same zone.
	if changed, err := deskday.Use(ctx, a.DB.Bun, cfg.DeskTimeZone); err != nil {
		a.closeStores()
		return nil, err
	} else if changed {
		log.Info("dashboard rollups rebuilt for the desk's time zone", "zone", cfg.DeskTimeZone.String())
	}
	a.Tasks = &tasks.Service{DB: a.DB.Bun, Tickets: a.Tickets, Notifier: a.Automation, Files: a.Attachments,
		MaxFileBytes: cfg.AttachmentMaxBytes, PublicURL: cfg.PublicURL, TimeZone: cfg.DeskTimeZone}
	jobs.Register(a.Jobs, &tasks.DigestWorker{Service: a.Tasks})
	a.Jobs.Periodic = append(a.Jobs.Periodic, a.Tasks.PeriodicDigest())
	a.Hub = live.NewHub()
	a.Hub.Active = func(ctx context.Context, uid int64) (bool, error) {
		_, ok, err := a.People.ActiveSubject(ctx, uid)
		return ok, err
	}
	a.Online = &live.OnlineSet{Redis: a.Redis, Prefix: cfg.RedisPrefix}
	a.Hub.Online = a.Online
	a.Queues = &queue.Service{DB: a.DB.Bun, Tickets: a.Tickets, Online: a.Online}
	a.Tickets.Hooks = append(a.Tickets.Hooks, a.Queues.Hook)
	// SLA runs after the rules and assignment, so that its clocks follow the ticket as they left it.
	a.SLA = &sla.Service{DB: a.DB.Bun, Tickets: a.Tickets, Jobs: a.Jobs, Notifier: a.Automation, NextQueue: queue.NextLevel}
	a.Tickets.Hooks = append(a.Tickets.Hooks, a.SLA.Hook)
	a.Tickets.CommentHooks = append(a.Tickets.CommentHooks, a.SLA.CommentHook)
	a.Tickets.SLA = a.SLA
	a.SLA.Register(a.Jobs)
	a.Dashboard = &dashboard.Service{DB: a.DB.Bun, People: a.People, SLA: a.SLA, Zone: cfg.DeskTimeZone}
	a.Presence = &live.Presence{Redis: a.Redis, Prefix: cfg.RedisPrefix, Hub: a.Hub, Log: log, Vis: a.Tickets.Vis}
	a.Relay = &live.Relay{ConnConfig: a.DB.Pool.Config().ConnConfig.Copy(), Redis: a.Redis, Channel: a.channel(), Log: log}
	// Email about tickets, queued in the change's transaction after every other hook had its say.
	a.Notify = &notify.Service{DB: a.DB.Bun, Jobs: a.Jobs, Tickets: a.Tickets, Catalog: a.Catalog, People: a.People,
		SMTP: cfg.SMTP, PublicURL: mailOrigin(cfg), Log: log, TimeZone: cfg.DeskTimeZone}
	a.Tickets.Hooks = append(a.Tickets.Hooks, a.Notify.Hook)
	a.Tickets.CommentHooks = append(a.Tickets.CommentHooks, a.Notify.CommentHook)
	jobs.Register(a.Jobs, &notify.SendWorker{Service: a.Notify})
	// Outsiders' links and the digest of overdue tasks go out by email, with the same origin as every mail.
	a.Tasks.Mailer = a.Notify
	a.Tasks.PublicURL = mailOrigin(cfg)
	a.WebForm = &webform.Service{DB: a.DB.Bun, Tickets: a.Tickets, People: a.People, Catalog: a.Catalog, Files: a.Attachments,
		MaxFileBytes: cfg.AttachmentMaxBytes, Mailer: a.Notify, PublicURL: mailOrigin(cfg), TimeZone: cfg.DeskTimeZone,
		Redis: a.Redis, KeyPrefix: cfg.RedisPrefix}
	// Portals (issue 7): the order a portal user names on a ticket is checked before any other hook runs.
	a.Portal = &portal.Service{DB: a.DB.Bun, Commerce: a.Commerce, Tickets: a.Tickets, People: a.People}
	a.Tickets.Hooks = append([]tickets.Hook{a.Portal.OrderHook}, a.Tickets.Hooks...)
	a.MagicLinks = &auth.MagicLinks{Auth: a.Auth, Mailer: a.Notify, PublicURL: mailOrigin(cfg), TimeZone: cfg.DeskTimeZone}
	a.APIKeys = &apikeys.Service{DB: a.DB.Bun, People: a.People}
	a.Fiber = a.router()
	return a, nil
}

// mailOrigin is the origin of links in emails, which are written without a request to take it from:
// PUBLIC_URL, else this machine on the listen port.
func mailOrigin(cfg Config) string {
	if cfg.PublicURL != "" {
		return cfg.PublicURL
	}
	_, port, _ := net.SplitHostPort(cfg.Addr)
	if port == "" || port == "0" {
		port = "8080"
	}
	return "http://localhost:" + port
}

func (a *App) channel() string { return a.Config.RedisPrefix + ":events" }

// Start listens on the configured address and starts the relay and the bus.
func (a *App) Start(ctx context.Context) error {
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.cancel = cancel
	bus := &live.Bus{Pool: a.DB.Pool, Redis: a.Redis, Channel: a.channel(), Hub: a.Hub, Log: a.Log}
	runBus, err := bus.Start(ctx)
	if err != nil {
		cancel()
		return err
	}
	a.goWorker(func() { runBus(wctx) })
	runPresence, err := a.Presence.Start(ctx)
	if err != nil {
		cancel()
		a.workers.Wait()
		return err
	}
	a.goWorker(func() { runPresence(wctx) })
	a.goWorker(func() { a.Relay.Run(wctx) })
	if err := a.Jobs.Start(wctx); err != nil {
		cancel()
		a.workers.Wait()
		return err
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		cancel()
		a.workers.Wait()
		return fmt.Errorf("app: listen %s: %w", a.Config.Addr, err)
	}
	a.ln = ln
	a.goWorker(func() {
		if err := a.Fiber.Listener(ln); err != nil {
			a.Log.Error("http server stopped", "err", err)
		}
	})
	a.ready.Store(true)
	a.Log.Info("listening", "addr", ln.Addr().String())
	return nil
}

func (a *App) goWorker(f func()) {
	a.workers.Add(1)
	go func() {
		defer a.workers.Done()
		f()
	}()
}

// Addr is the address the server listens on (useful with port 0).
func (a *App) Addr() string { return a.ln.Addr().String() }

// Close drains the instance: readiness goes false, live clients are told to resume elsewhere (1001),
// in-flight requests finish, workers stop, then the pools close.
func (a *App) Close(ctx context.Context) error {
	var err error
	a.closeOnce.Do(func() {
		a.ready.Store(false)
		if a.Hub != nil {
			a.Hub.CloseAll(live.CloseGoingAway)
		}
		if a.ln != nil {
			if e := a.Fiber.ShutdownWithContext(ctx); e != nil && !errors.Is(e, context.DeadlineExceeded) {
				err = e
			}
		}
		if a.Jobs != nil {
			if e := a.Jobs.Stop(ctx); e != nil && err == nil {
				err = e
			}
		}
		if a.cancel != nil {
			a.cancel()
		}
		a.workers.Wait()
		a.closeStores()
	})
	return err
}

func (a *App) closeStores() {
	if a.Redis != nil {
		_ = a.Redis.Close()
	}
	if a.DB != nil {
		a.DB.Close()
	}
}

// Run starts the instance and drains it when ctx ends (SIGTERM).
func (a *App) Run(ctx context.Context) error {
	if err := a.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	return a.Close(sctx)
}

// Ready reports whether the instance takes traffic.
func (a *App) Ready(ctx context.Context) error {
	if !a.ready.Load() {
		return errors.New("draining")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := a.DB.Pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if err := a.Redis.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

func yamlToJSON(b []byte) ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("app: openapi: %w", err)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("app: openapi: %w", err)
	}
	return out, nil
}
