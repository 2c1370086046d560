// Package bench holds the benchmark commands: they print figures, they are not timed tests.
package bench

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/atiende/atiende/server/internal/app"
)

// Run runs one benchmark by name.
func Run(ctx context.Context, cfg app.Config, log *slog.Logger, name string, args []string) error {
	switch name {
	}
	return fmt.Errorf("bench: unknown benchmark %q (live, board)", name)
}
