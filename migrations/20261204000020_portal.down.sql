DROP INDEX IF EXISTS orders_created_idx;
DROP TABLE IF EXISTS magic_links;
