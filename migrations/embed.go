// Package migrations holds the numbered SQL migrations of Atiende, embedded into the binary.
// A shipped migration is never edited: every schema change is a new file.
package migrations

import "embed"

// FS holds every *.sql migration file.
//
//go:embed *.sql
var FS embed.FS
