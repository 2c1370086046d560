DROP TABLE IF EXISTS sla_state_limits;
DROP TABLE IF EXISTS sla_clocks;
DROP FUNCTION IF EXISTS sla_clocks_follow_ticket();
DROP TABLE IF EXISTS sla_policies;
DROP TABLE IF EXISTS sla_calendars;
