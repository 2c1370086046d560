DROP TABLE IF EXISTS ticket_tracking_links;
