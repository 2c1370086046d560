DROP TABLE IF EXISTS ticket_watchers;
DROP TABLE IF EXISTS mail_preferences;
DROP TABLE IF EXISTS mail_outbox;
DROP TABLE IF EXISTS mail_templates;
