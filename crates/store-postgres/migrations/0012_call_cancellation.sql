-- A call can be cancelled (SQLite migration 0010). One that no payment and no
-- reminder reached is removed; any other stays, reversed from the moment in
-- `cancelled_at`, which its lines carry too so that balances, the bank
-- matching and the chase of late payers skip them without a join. Their
-- structured communications are never given again: the counter only grows.
ALTER TABLE fund_calls ADD COLUMN cancelled_at TIMESTAMPTZ;
ALTER TABLE call_lines ADD COLUMN cancelled_at TIMESTAMPTZ;
