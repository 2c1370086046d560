DROP TABLE IF EXISTS notifications;
DROP TABLE IF EXISTS macros;
DROP TABLE IF EXISTS automation_state;
DROP TABLE IF EXISTS automation_rules;
