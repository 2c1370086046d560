-- The keys' service users stay: tickets and comments they wrote still name them.
DROP TABLE api_keys;
