CREATE EXTENSION IF NOT EXISTS pg_trgm;

--bun:split

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL,
    name          text NOT NULL,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'consultant', 'customer')),
    locale        text NOT NULL DEFAULT 'es' CHECK (locale IN ('es', 'en')),
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_role_idx ON users (role) WHERE disabled_at IS NULL;

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE statuses (
    id        bigserial PRIMARY KEY,
    key       text NOT NULL UNIQUE,
    name_es   text NOT NULL,
    name_en   text NOT NULL,
    grp       text NOT NULL CHECK (grp IN ('todo', 'doing', 'done')),
    position  integer NOT NULL,
    color     text NOT NULL DEFAULT '#64748b' CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    wip_limit integer CHECK (wip_limit IS NULL OR wip_limit > 0),
    active    boolean NOT NULL DEFAULT true
);

CREATE TABLE priorities (
    id        bigserial PRIMARY KEY,
    key       text NOT NULL UNIQUE,
    name_es   text NOT NULL,
    name_en   text NOT NULL,
    important boolean NOT NULL,
    urgent    boolean NOT NULL,
    position  integer NOT NULL,
    color     text NOT NULL DEFAULT '#64748b' CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    active    boolean NOT NULL DEFAULT true
);

CREATE SEQUENCE ticket_number_seq START 1001;

CREATE TABLE tickets (
    id           bigserial PRIMARY KEY,
    number       bigint NOT NULL UNIQUE DEFAULT nextval('ticket_number_seq'),
    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    description  text NOT NULL DEFAULT '',
    status_id    bigint NOT NULL REFERENCES statuses (id),
    priority_id  bigint NOT NULL REFERENCES priorities (id),
    assignee_id  bigint REFERENCES users (id),
    requester_id bigint REFERENCES users (id),
    rank         text COLLATE "C" NOT NULL,
    version      bigint NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
ALTER SEQUENCE ticket_number_seq OWNED BY tickets.number;
-- Board columns: a page of one status in rank order, unfiltered or under one filter.
CREATE INDEX tickets_status_rank_idx ON tickets (status_id, rank, id);
CREATE INDEX tickets_assignee_status_rank_idx ON tickets (assignee_id, status_id, rank, id);
CREATE INDEX tickets_priority_status_rank_idx ON tickets (priority_id, status_id, rank, id);
CREATE INDEX tickets_requester_idx ON tickets (requester_id);
CREATE INDEX tickets_subject_trgm_idx ON tickets USING gin (subject gin_trgm_ops);

-- Ticket counts per status and priority, kept by a trigger in sharded rows so that no single row is hot.
CREATE TABLE ticket_counts (
    status_id   bigint NOT NULL REFERENCES statuses (id),
    priority_id bigint NOT NULL REFERENCES priorities (id),
    shard       smallint NOT NULL,
    n           bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (status_id, priority_id, shard)
);
CREATE INDEX ticket_counts_priority_idx ON ticket_counts (priority_id);

CREATE FUNCTION ticket_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE ticket_counts SET n = n - 1
         WHERE status_id = OLD.status_id AND priority_id = OLD.priority_id AND shard = OLD.id % 16;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO ticket_counts (status_id, priority_id, shard, n)
        VALUES (NEW.status_id, NEW.priority_id, NEW.id % 16, 1)
        ON CONFLICT (status_id, priority_id, shard) DO UPDATE SET n = ticket_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER tickets_counts_insert_delete AFTER INSERT OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION ticket_counts_apply();
CREATE TRIGGER tickets_counts_update AFTER UPDATE OF status_id, priority_id ON tickets
    FOR EACH ROW WHEN (OLD.status_id IS DISTINCT FROM NEW.status_id OR OLD.priority_id IS DISTINCT FROM NEW.priority_id)
    EXECUTE FUNCTION ticket_counts_apply();

CREATE TABLE ticket_history (
    id        bigserial PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id  bigint REFERENCES users (id),
    at        timestamptz NOT NULL DEFAULT now(),
    field     text NOT NULL,
    before    jsonb,
    after     jsonb
);
CREATE INDEX ticket_history_ticket_idx ON ticket_history (ticket_id, at, id);
CREATE INDEX ticket_history_actor_idx ON ticket_history (actor_id);

-- Events: written in the changing transaction with seq NULL; the relay numbers them densely after commit.
CREATE TABLE events (
    id        bigserial PRIMARY KEY,
    seq       bigint UNIQUE,
    name      text NOT NULL,
    ticket_id bigint,
    at        timestamptz NOT NULL DEFAULT now(),
    payload   jsonb NOT NULL
);
CREATE INDEX events_unnumbered_idx ON events (id) WHERE seq IS NULL;
CREATE INDEX events_ticket_idx ON events (ticket_id);

CREATE TABLE relay_state (
    id            smallint PRIMARY KEY CHECK (id = 1),
    published_seq bigint NOT NULL DEFAULT 0
);
INSERT INTO relay_state (id, published_seq) VALUES (1, 0);
