-- Money paid out of a building's accounts, read from its bank statements
-- (SQLite migration 0013), and the paid expense each settles. A movement is
-- recorded once per building (unique bank reference), as payments are.
CREATE TABLE bank_debits (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    building_id UUID NOT NULL,
    import_id UUID NOT NULL,
    value_date DATE NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    account_fund TEXT NOT NULL CHECK (account_fund IN ('working', 'reserve')),
    reference TEXT,
    counterparty_iban TEXT,
    counterparty_name TEXT,
    bank_reference TEXT NOT NULL,
    expense_id UUID,
    matched_by TEXT CHECK (matched_by IN ('invoice_number', 'supplier', 'manual')),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    FOREIGN KEY (organization_id, import_id) REFERENCES bank_imports (organization_id, id),
    FOREIGN KEY (organization_id, expense_id) REFERENCES expenses (organization_id, id),
    CONSTRAINT bank_debits_reference_unique UNIQUE (organization_id, building_id, bank_reference),
    CONSTRAINT bank_debits_matched_together CHECK ((expense_id IS NULL) = (matched_by IS NULL))
);
CREATE INDEX bank_debits_by_date ON bank_debits (organization_id, value_date, id);
CREATE INDEX bank_debits_of_building_by_date ON bank_debits (organization_id, building_id, value_date, id);
CREATE INDEX bank_debits_of_expense ON bank_debits (organization_id, expense_id);
CREATE INDEX bank_debits_unmatched ON bank_debits (organization_id, value_date, id) WHERE expense_id IS NULL;

CREATE TRIGGER bank_debits_counted AFTER INSERT OR DELETE ON bank_debits FOR EACH ROW EXECUTE FUNCTION count_rows('bank_debits');


ALTER TABLE bank_debits ENABLE ROW LEVEL SECURITY;
ALTER TABLE bank_debits FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON bank_debits USING (organization_id = koprogo_tenant()) WITH CHECK (organization_id = koprogo_tenant());
