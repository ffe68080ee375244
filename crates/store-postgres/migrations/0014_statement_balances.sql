-- Each imported statement keeps its opening and closing balances (SQLite
-- migration 0012), so that the next statement of the same account can be
-- checked to open where the previous one closed. Older imports have none.
ALTER TABLE bank_imports ADD COLUMN opening_cents BIGINT;
ALTER TABLE bank_imports ADD COLUMN closing_cents BIGINT;
ALTER TABLE bank_imports ADD COLUMN closing_date DATE;
CREATE INDEX bank_imports_of_account ON bank_imports (organization_id, account, closing_date);
