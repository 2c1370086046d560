DROP TABLE IF EXISTS relay_state, events, ticket_history, ticket_counts, tickets, priorities, statuses, sessions, users CASCADE;
--bun:split
DROP FUNCTION IF EXISTS ticket_counts_apply();
