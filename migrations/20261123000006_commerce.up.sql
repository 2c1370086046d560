-- Issue 5: the built-in commerce store behind the commerce.Store interface (balances in money and points
-- with their movements, credit type and limit, orders with items, backorders). A company with its own
-- platform replaces the store by an adapter; these tables then stay empty.
-- Money is always an integer count of the currency's minor units (exponent in the commerce package) with
-- its ISO 4217 code beside it: exact, never a float.

-- One balance per person. It is a cache of its movements, kept exact by updating it under a row lock in
-- the transaction that writes the movement, so money_minor is the sum of the money movements and points
-- the sum of the points movements. currency is NULL until the first money movement sets it.
-- Persons are not deleted while they have money history (no ON DELETE CASCADE): accounting outlives them.
CREATE TABLE balances (
    person_id   bigint PRIMARY KEY REFERENCES users (id),
    money_minor bigint NOT NULL DEFAULT 0,
    currency    char(3) CHECK (currency ~ '^[A-Z]{3}$'),
    points      bigint NOT NULL DEFAULT 0 CHECK (points >= 0),
    version     bigint NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT balances_money_has_currency CHECK (money_minor = 0 OR currency IS NOT NULL)
);

-- Every change of a balance: signed amounts (a debit note is negative), the balance it left, and why.
CREATE TABLE balance_movements (
    id             bigserial PRIMARY KEY,
    person_id      bigint NOT NULL REFERENCES users (id),
    kind           text NOT NULL CHECK (kind IN ('money', 'points')),
    amount_minor   bigint NOT NULL CHECK (amount_minor <> 0),
    currency       char(3) CHECK (currency ~ '^[A-Z]{3}$'),
    balance_after  bigint NOT NULL,
    reason         text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    note_reason_id bigint REFERENCES note_reasons (id),
    ticket_id      bigint REFERENCES tickets (id) ON DELETE SET NULL,
    actor_id       bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- Money carries its currency; points have none.
    CONSTRAINT balance_movements_currency CHECK ((kind = 'money') = (currency IS NOT NULL))
);
CREATE INDEX balance_movements_person_created_idx ON balance_movements (person_id, created_at DESC, id DESC);
CREATE INDEX balance_movements_note_reason_idx ON balance_movements (note_reason_id);
CREATE INDEX balance_movements_ticket_idx ON balance_movements (ticket_id);
CREATE INDEX balance_movements_actor_idx ON balance_movements (actor_id);

--bun:split

-- Credit: how a person may pay and up to how much they may owe.
CREATE TABLE credit_accounts (
    person_id   bigint PRIMARY KEY REFERENCES users (id),
    credit_type text NOT NULL DEFAULT 'none' CHECK (credit_type IN ('none', 'cash', 'credit_30', 'credit_60', 'credit_90')),
    limit_minor bigint NOT NULL DEFAULT 0 CHECK (limit_minor >= 0),
    currency    char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    version     bigint NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every credit decision, with the ticket it came from (a credit request) when there is one.
CREATE TABLE credit_limit_changes (
    id                 bigserial PRIMARY KEY,
    person_id          bigint NOT NULL REFERENCES users (id),
    type_before        text,
    type_after         text NOT NULL,
    limit_before_minor bigint,
    limit_after_minor  bigint NOT NULL,
    currency_before    char(3),
    currency           char(3) NOT NULL,
    reason             text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    ticket_id          bigint REFERENCES tickets (id) ON DELETE SET NULL,
    actor_id           bigint REFERENCES users (id) ON DELETE SET NULL,
    at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_limit_changes_person_at_idx ON credit_limit_changes (person_id, at DESC, id DESC);
CREATE INDEX credit_limit_changes_ticket_idx ON credit_limit_changes (ticket_id);
CREATE INDEX credit_limit_changes_actor_idx ON credit_limit_changes (actor_id);

--bun:split

-- Orders. number is what people read and say on the phone; a platform adapter uses its own numbers.
CREATE SEQUENCE order_number_seq START 100001;
CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    number      text NOT NULL UNIQUE DEFAULT nextval('order_number_seq')::text CHECK (length(number) BETWEEN 1 AND 40),
    person_id   bigint NOT NULL REFERENCES users (id),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'held', 'invoiced', 'shipped', 'delivered', 'cancelled')),
    currency    char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    total_minor bigint NOT NULL CHECK (total_minor >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_person_created_idx ON orders (person_id, created_at DESC, id DESC);

CREATE TABLE order_items (
    id               bigserial PRIMARY KEY,
    order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku              text NOT NULL CHECK (length(sku) BETWEEN 1 AND 60),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 300),
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    quantity_shipped integer NOT NULL DEFAULT 0 CHECK (quantity_shipped BETWEEN 0 AND quantity)
);
CREATE INDEX order_items_order_idx ON order_items (order_id, id);

-- A backorder is what is still owed of an order, to be shipped later; the ticket that created it, if any.
CREATE TABLE backorders (
    id         bigserial PRIMARY KEY,
    order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    ticket_id  bigint REFERENCES tickets (id) ON DELETE SET NULL,
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'shipped', 'cancelled')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backorders_order_idx ON backorders (order_id, created_at DESC);
CREATE INDEX backorders_ticket_idx ON backorders (ticket_id);

CREATE TABLE backorder_items (
    backorder_id  bigint NOT NULL REFERENCES backorders (id) ON DELETE CASCADE,
    order_item_id bigint NOT NULL REFERENCES order_items (id) ON DELETE CASCADE,
    quantity      integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (backorder_id, order_item_id)
);
CREATE INDEX backorder_items_order_item_idx ON backorder_items (order_item_id);
