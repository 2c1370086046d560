-- Issue 6: tasks on tickets (with comments and files), the daily digest of overdue tasks, and
-- information requests to a user in the app or to an outsider through an emailed link.
CREATE TABLE ticket_tasks (
    id          bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    assignee_id bigint REFERENCES users (id) ON DELETE SET NULL,
    due_at      timestamptz,
    done        boolean NOT NULL DEFAULT false,
    done_at     timestamptz,
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     bigint NOT NULL DEFAULT 1,
    CHECK (done = (done_at IS NOT NULL))
);
-- A ticket's tasks, oldest first.
CREATE INDEX ticket_tasks_ticket_idx ON ticket_tasks (ticket_id, created_at, id);
-- "My open tasks", soonest due first (overdue ones lead), and the daily digest's overdue scan: both
-- only ever look at open tasks, which stay few however many are done.
CREATE INDEX ticket_tasks_open_assignee_idx ON ticket_tasks (assignee_id, due_at, id) WHERE NOT done;
CREATE INDEX ticket_tasks_open_due_idx ON ticket_tasks (due_at) WHERE NOT done AND assignee_id IS NOT NULL;
-- Every task of a user, open or done.
CREATE INDEX ticket_tasks_assignee_idx ON ticket_tasks (assignee_id, id);

CREATE TABLE task_comments (
    id         bigserial PRIMARY KEY,
    task_id    bigint NOT NULL REFERENCES ticket_tasks (id) ON DELETE CASCADE,
    author_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_comments_task_idx ON task_comments (task_id, id);

-- A task's files: the bytes live in the attachment store under their SHA-256, like tickets' files.
CREATE TABLE task_files (
    id           bigserial PRIMARY KEY,
    task_id      bigint NOT NULL REFERENCES ticket_tasks (id) ON DELETE CASCADE,
    uploader_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_files_task_idx ON task_files (task_id, id);

-- One row per user and desk-local day the digest went out: a second run the same day finds it and
-- sends nothing, whichever instance runs it.
CREATE TABLE task_digests (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day     date NOT NULL,
    tasks   integer NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, day)
);

-- An information request goes either to a user, who answers in the app, or to an outsider by email
-- (address, name and language), who answers through a link. Expired is not stored: an open request
-- whose expires_at has passed is expired.
CREATE TABLE info_requests (
    id         bigserial PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    to_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    to_email   text NOT NULL DEFAULT '',
    to_name    text NOT NULL DEFAULT '',
    lang       text NOT NULL DEFAULT 'es' CHECK (lang IN ('es', 'en')),
    question   text NOT NULL CHECK (length(question) BETWEEN 1 AND 10000),
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'accepted', 'revoked')),
    -- Each time the request goes back to the recipient is a new round, so its email is a new event.
    round      integer NOT NULL DEFAULT 1,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint NOT NULL DEFAULT 1,
    CHECK (to_user_id IS NULL OR to_email = '')
);
CREATE INDEX info_requests_ticket_idx ON info_requests (ticket_id, id);
CREATE INDEX info_requests_to_user_idx ON info_requests (to_user_id, id) WHERE to_user_id IS NOT NULL;

-- The links emailed to an outsider, by the SHA-256 of their token (32 random bytes; the token itself is
-- never stored, so it cannot be sent again). Each round's email carries a fresh link, and every link of
-- a request works while the request does, so an outsider may use whichever email they open.
CREATE TABLE info_request_links (
    token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
    request_id   bigint NOT NULL REFERENCES info_requests (id) ON DELETE CASCADE,
    round        integer NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX info_request_links_request_idx ON info_request_links (request_id);

CREATE TABLE info_request_messages (
    id             bigserial PRIMARY KEY,
    request_id     bigint NOT NULL REFERENCES info_requests (id) ON DELETE CASCADE,
    author         text NOT NULL CHECK (author IN ('requester', 'recipient')),
    author_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    name           text NOT NULL,
    body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX info_request_messages_request_idx ON info_request_messages (request_id, id);

CREATE TABLE info_request_files (
    id           bigserial PRIMARY KEY,
    request_id   bigint NOT NULL REFERENCES info_requests (id) ON DELETE CASCADE,
    message_id   bigint NOT NULL REFERENCES info_request_messages (id) ON DELETE CASCADE,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX info_request_files_message_idx ON info_request_files (message_id, id);
CREATE INDEX info_request_files_request_idx ON info_request_files (request_id);
