-- Queues as work pools: members who take their tickets, how new tickets are handed out (by hand, round
-- robin or to the least loaded online member), an optional cap of open tickets per member, and default
-- managers per typification and queue.
ALTER TABLE queues
    ADD COLUMN assignment    text NOT NULL DEFAULT 'manual' CHECK (assignment IN ('manual', 'round_robin', 'least_loaded')),
    ADD COLUMN max_per_agent integer CHECK (max_per_agent BETWEEN 1 AND 1000),
    -- member_ids is what the queue dialog edits (with the catalog entry and its history); queue_members
    -- follows it by trigger and keeps each member's assignment state.
    ADD COLUMN member_ids    bigint[] NOT NULL DEFAULT '{}';

CREATE TABLE queue_members (
    queue_id         bigint NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    user_id          bigint NOT NULL REFERENCES users (id),
    last_assigned_at timestamptz,
    PRIMARY KEY (queue_id, user_id)
);
CREATE INDEX queue_members_user_idx ON queue_members (user_id);

-- The round-robin pointer of each queue; its row is also the lock that serialises a queue's automatic
-- assignments, so that concurrent ones see each other's choices.
CREATE TABLE queue_rr (
    queue_id     bigint PRIMARY KEY REFERENCES queues (id) ON DELETE CASCADE,
    last_user_id bigint REFERENCES users (id)
);
INSERT INTO queue_rr (queue_id) SELECT id FROM queues;

CREATE FUNCTION queue_members_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM queue_members WHERE queue_id = NEW.id AND NOT (user_id = ANY (NEW.member_ids));
    INSERT INTO queue_members (queue_id, user_id)
        SELECT NEW.id, x FROM unnest(NEW.member_ids) AS x ON CONFLICT DO NOTHING;
    INSERT INTO queue_rr (queue_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER queues_members_sync AFTER INSERT OR UPDATE OF member_ids ON queues
    FOR EACH ROW EXECUTE FUNCTION queue_members_sync();

-- Who gets a new ticket first: the most specific row (category and queue, category only, queue only,
-- then the fallback row with both null). A subcategory id counts as a category.
CREATE TABLE default_managers (
    id          bigserial PRIMARY KEY,
    category_id bigint REFERENCES categories (id) ON DELETE CASCADE,
    queue_id    bigint REFERENCES queues (id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users (id),
    UNIQUE NULLS NOT DISTINCT (category_id, queue_id)
);
