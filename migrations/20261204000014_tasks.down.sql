DROP TABLE IF EXISTS info_request_files;
DROP TABLE IF EXISTS info_request_messages;
DROP TABLE IF EXISTS info_request_links;
DROP TABLE IF EXISTS info_requests;
DROP TABLE IF EXISTS task_digests;
DROP TABLE IF EXISTS task_files;
DROP TABLE IF EXISTS task_comments;
DROP TABLE IF EXISTS ticket_tasks;
