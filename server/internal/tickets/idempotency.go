package tickets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/atiende/atiende/server/internal/errs"
)

// idempotent runs do in tx at most once per user and key within IdempotencyTTL: a retry with the same
// request gets the first answer (status and body) again, marked as a replay; the same key with another
// request is refused with mismatch (a message key) and writes nothing. Without a key, do just runs.
// Retries of one key wait for each other on an advisory lock, so that only the first does the work even
// when they arrive at once. The caller's transaction must be the one do writes in, so that the answer is
// stored exactly when the work is.
func idempotent(ctx context.Context, tx bun.Tx, userID int64, key string, request any, mismatch string,
	do func() (int, any, error)) (*Created, error) {
	var hash []byte
	if key != "" {
		canonical, err := json.Marshal(request)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(canonical)
		hash = sum[:]
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, ?))", key, userID); err != nil {
			return nil, fmt.Errorf("tickets: idempotency lock: %w", err)
		}
		prev := new(idempotencyRow)
		err = tx.NewSelect().Model(prev).Where("user_id = ?", userID).Where("key = ?", key).
			Where("created_at > now() - ?::interval", fmt.Sprintf("%d seconds", int(IdempotencyTTL.Seconds()))).Scan(ctx)
		switch {
		case err == nil:
			if !bytes.Equal(prev.RequestHash, hash) {
				return nil, errs.New(errs.Invalid, mismatch)
			}
			return &Created{Status: prev.Status, Body: prev.Response, Replay: true}, nil
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("tickets: idempotency: %w", err)
		}
	}
	status, v, err := do()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := &Created{Status: status, Body: body}
	if key == "" {
		return out, nil
	}
	row := &idempotencyRow{UserID: userID, Key: key, RequestHash: hash, Status: status, Response: body}
	// A key older than the TTL is reused: its old answer is forgotten.
	_, err = tx.NewInsert().Model(row).
		On("CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, " +
			"response = EXCLUDED.response, created_at = now()").Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("tickets: idempotency: %w", err)
	}
	return out, nil
}
