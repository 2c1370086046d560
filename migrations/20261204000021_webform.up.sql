-- Tracking links of tickets sent through the public web form: the visitor follows the ticket and replies
-- through a link mailed to them. Only the SHA-256 of a link's token is kept, so the table alone opens
-- nothing. A link works until it expires or staff revoke it; sending a new one adds a row.
CREATE TABLE ticket_tracking_links (
    id           bigserial PRIMARY KEY,
    ticket_id    bigint      NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    -- The person the link speaks for (the ticket's requester when it was sent): replies are theirs.
    person_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email        text        NOT NULL,
    lang         text        NOT NULL DEFAULT 'es' CHECK (lang IN ('es', 'en')),
    token_sha256 bytea       NOT NULL UNIQUE,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    revoked_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ticket_tracking_links_ticket ON ticket_tracking_links (ticket_id, id);
