-- Customers' and consultants' one-time sign-in links (magic links). They live apart from user_tokens,
-- whose links set a password: a sign-in link must never be accepted where a password is set, nor end
-- when an admin sends a new invitation. Only the SHA-256 of the token is stored.
CREATE TABLE magic_links (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX magic_links_user_idx ON magic_links (user_id);

-- The portal lists the orders of a consultant's whole downline newest first, keyset-paged.
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
