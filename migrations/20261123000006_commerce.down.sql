DROP TABLE backorder_items, backorders, order_items, orders;
DROP SEQUENCE order_number_seq;
--bun:split
DROP TABLE credit_limit_changes, credit_accounts;
--bun:split
DROP TABLE balance_movements, balances;
