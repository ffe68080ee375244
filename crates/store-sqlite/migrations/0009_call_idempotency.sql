-- A call is issued once per confirmation (PostgreSQL migration 0011): the
-- preview hands out a key, and issuing with a key already used returns the
-- call it issued instead of a second one.
ALTER TABLE fund_calls ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX fund_calls_by_idempotency_key ON fund_calls (organization_id, idempotency_key);
