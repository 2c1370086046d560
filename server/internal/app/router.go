package app

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/atiende/atiende/server/internal/accounts"
	"github.com/atiende/atiende/server/internal/apikeys"
	"github.com/atiende/atiende/server/internal/attachments"
	"github.com/atiende/atiende/server/internal/auth"
	"github.com/atiende/atiende/server/internal/automation"
	"github.com/atiende/atiende/server/internal/catalog"
	"github.com/atiende/atiende/server/internal/dashboard"
	"github.com/atiende/atiende/server/internal/errs"
	"github.com/atiende/atiende/server/internal/httpx"
	"github.com/atiende/atiende/server/internal/live"
	"github.com/atiende/atiende/server/internal/notify"
	"github.com/atiende/atiende/server/internal/people"
	"github.com/atiende/atiende/server/internal/portal"
	"github.com/atiende/atiende/server/internal/queue"
	"github.com/atiende/atiende/server/internal/reports"
	"github.com/atiende/atiende/server/internal/sla"
	"github.com/atiende/atiende/server/internal/tasks"
	"github.com/atiende/atiende/server/internal/tickets"
	"github.com/atiende/atiende/server/internal/web"
	"github.com/atiende/atiende/server/internal/webform"
	"github.com/atiende/atiende/server/internal/workflow"
)

// BodyLimit is the largest JSON request body accepted (httpx.Decode enforces it). The server reads
// bodies up to the attachment limit plus uploadOverhead, for file uploads.
const BodyLimit = httpx.MaxJSONBody

// uploadOverhead is what a multipart upload carries besides the file: boundaries and part headers.
const uploadOverhead = 64 << 10

const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func (a *App) router() *fiber.App {
	f := fiber.New(fiber.Config{
		AppName:               "atiende",
		BodyLimit:             int(a.Config.AttachmentMaxBytes + uploadOverhead),
		ErrorHandler:          httpx.ErrorHandler(a.Log, attachments.FormatBytes(a.Config.AttachmentMaxBytes)),
		DisableStartupMessage: true,
		// Uploads are parsed as a stream into a temporary file by their handler; fasthttp's own parse
		// would hold every file in memory a second time.
		DisablePreParseMultipartForm: true,
		// An idle live connection keeps its connection buffers: keep them small and release what
		// fasthttp can between requests (measured by bench live, see BENCHMARKS.md).
		ReduceMemoryUsage: true,
	})
	f.Use(recover.New())
	f.Use(func(c *fiber.Ctx) error {
		c.Set("Content-Security-Policy", csp)
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderXFrameOptions, "DENY")
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
		c.Set("Cross-Origin-Opener-Policy", "same-origin")
		return c.Next()
	})
	f.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	f.Get("/readyz", func(c *fiber.Ctx) error {
		if err := a.Ready(c.UserContext()); err != nil {
			return c.Status(fiber.StatusServiceUnavailable).SendString("not ready: " + err.Error())
		}
		return c.SendString("ready")
	})
	metrics := fasthttpadaptor.NewFastHTTPHandler(promhttp.Handler())
	f.Get("/metrics", func(c *fiber.Ctx) error { metrics(c.Context()); return nil })

	v1 := f.Group("/api/v1", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Next()
	}, a.APIKeys.Authenticate(), auth.CSRF(), a.Auth.Authenticate())
	v1.Get("/openapi.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(a.openapiJSON)
	})
	liveSrv := &live.Server{Pool: a.DB.Pool, Hub: a.Hub, Log: a.Log, AllowedOrigins: a.Config.AllowedOrigins, Subject: auth.Subject,
		Presence: a.Presence}
	v1.Get("/live", liveSrv.Upgrade(), liveSrv.Handler())
	auth.Handlers{Service: a.Auth}.Register(v1)
	accountsAPI := accounts.Handlers{Service: a.Accounts, Subject: auth.Subject, PublicURL: a.Config.PublicURL}
	accountsAPI.RegisterPublic(v1)
	tasksAPI := tasks.Handlers{Service: a.Tasks, Subject: auth.Subject, Limiter: a.Auth}
	tasksAPI.RegisterPublic(v1)
	webformAPI := webform.Handlers{Service: a.WebForm, Subject: auth.Subject, Limiter: a.Auth}
	webformAPI.RegisterPublic(v1)
	v1.Get("/public/track/:token/live", liveSrv.TrackUpgrade(webformAPI.TrackTarget), liveSrv.TrackHandler())
	auth.MagicHandlers{Links: a.MagicLinks}.Register(v1)

	private := v1.Group("", auth.Require())
	catalog.Handlers{Store: a.Catalog, Subject: auth.Subject}.Register(private)
	people.Handlers{Store: a.People, Subject: auth.Subject}.Register(private)
	accountsAPI.Register(private)
	people.PersonHandlers{Service: a.Persons, Subject: auth.Subject}.Register(private)
	tickets.Handlers{Service: a.Tickets, Subject: auth.Subject, TimeZone: a.Config.DeskTimeZone}.Register(private)
	tickets.Handlers{Service: a.Tickets, Subject: auth.Subject}.RegisterConversation(private, tickets.Files{Store: a.Attachments, MaxBytes: a.Config.AttachmentMaxBytes})
	queue.Handlers{Service: a.Queues, Subject: auth.Subject}.Register(private)
	automation.Handlers{Service: a.Automation, Subject: auth.Subject}.Register(private)
	workflow.Handlers{Service: a.Workflows, Subject: auth.Subject, TimeZone: a.Config.DeskTimeZone}.Register(private)
	sla.Handlers{Service: a.SLA, Subject: auth.Subject}.Register(private)
	notify.Handlers{Service: a.Notify, Subject: auth.Subject}.Register(private)
	tasksAPI.Register(private)
	webformAPI.Register(private)
	reports.Handlers{Service: &reports.Service{DB: a.DB.Bun, Catalog: a.Catalog, People: a.People, Tickets: a.Tickets,
		Accounts: a.Accounts}, Subject: auth.Subject, TimeZone: a.Config.DeskTimeZone}.Register(private)
	dashboard.Handlers{Service: a.Dashboard, Subject: auth.Subject}.Register(private)
	portal.Handlers{Service: a.Portal, Subject: auth.Subject}.Register(private)
	apikeys.Handlers{Service: a.APIKeys, Subject: auth.Subject}.Register(private)
	v1.Use(func(c *fiber.Ctx) error { return errs.New(errs.NotFound, "error.route") })

	f.Use(web.Handler(web.Files()))
	return f
}
