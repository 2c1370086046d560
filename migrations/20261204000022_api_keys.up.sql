-- API keys for bots and other systems. A key acts as its own service user (created with the key, without a
-- password and disabled, so that it never logs in nor shows up among assignable people), so that tickets,
-- comments and history show which key did what. Only a SHA-256 of the secret is kept; prefix is the
-- short public part of the secret that lists show.
CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    prefix       text NOT NULL UNIQUE,
    secret_hash  bytea NOT NULL,
    scopes       text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['tickets.create', 'tickets.comment']),
    user_id      bigint NOT NULL UNIQUE REFERENCES users (id),
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
-- Every authenticated request looks its key up by the hash of the secret.
CREATE UNIQUE INDEX api_keys_secret_hash_idx ON api_keys (secret_hash);
-- The admin's list, newest first (keyset paging on id).
CREATE INDEX api_keys_created_by_idx ON api_keys (created_by);
