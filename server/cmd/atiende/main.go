// Command atiende is the Atiende server: `serve` (the default), `migrate`, `seed` and `bench`.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/atiende/atiende/server/internal/app"
	"github.com/atiende/atiende/server/internal/bench"
	"github.com/atiende/atiende/server/internal/seed"
)

const usage = `usage: atiende <command>

commands:
  serve            run the server (migrates first)
  migrate          apply database migrations
  seed             fill an empty database with the demo data and print the demo logins
  bench live       live fan-out benchmark (two instances, WebSocket clients)
  bench board      board query benchmark (generates tickets)
  bench tickets    records table benchmark (generates 1,000,000 tickets)
  bench access     visibility benchmark (a 100,000-person genealogy, 1,000,000 tickets, filtered live fan-out)
  bench workflow   status moves through the HTTP API with 100 active automation rules
  bench sla        SLA counts by queue over 1,000,000 tickets with clocks; 10,000 breach timers within a minute
  bench dashboard  every dashboard widget over 1,000,000 tickets, as the admin and a supervisor, checked exact

configuration comes from the environment: DATABASE_URL, REDIS_URL, ATIENDE_ADDR (see README.md)`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "atiende:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Println(usage)
		return nil
	}
	cfg, err := app.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "serve":
		a, err := app.New(ctx, cfg, log)
		if err != nil {
			return err
		}
		return a.Run(ctx)
	case "migrate":
		a, err := app.New(ctx, cfg, log) // New migrates
		if err != nil {
			return err
		}
		return a.Close(ctx)
	case "seed":
		a, err := app.New(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close(context.Background())
		res, err := seed.Run(ctx, a.DB.Bun, a.People, a.Tickets, 300)
		if err != nil {
			return err
		}
		if res.Seeded {
			if err := a.SLA.StartDemo(ctx); err != nil {
				return err
			}
			fmt.Printf("Seeded the demo: %d tickets.\n", res.Tickets)
		} else {
			fmt.Println("The database already has data: nothing seeded.")
		}
		fmt.Printf("Demo logins (password %s):\n", seed.DemoPassword)
		for _, l := range seed.Logins {
			fmt.Printf("  %-26s %s\n", l.Email, l.Role)
		}
		return nil
	case "bench":
		if len(args) == 0 {
			return errors.New("bench: which one? live, board, tickets, access, workflow, sla or dashboard")
		}
		return bench.Run(ctx, cfg, log, args[0], args[1:])
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}
