-- Money paid out of a building's accounts, read from its bank statements
-- (PostgreSQL migration 0015), and the paid expense each settles. A movement
-- is recorded once per building (unique bank reference), as payments are.
CREATE TABLE bank_debits (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    import_id BLOB NOT NULL,
    value_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    account_fund TEXT NOT NULL CHECK (account_fund IN ('working', 'reserve')),
    reference TEXT,
    counterparty_iban TEXT,
    counterparty_name TEXT,
    bank_reference TEXT NOT NULL,
    expense_id BLOB,
    matched_by TEXT CHECK (matched_by IN ('invoice_number', 'supplier', 'manual')),
    created_at TEXT NOT NULL,
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

CREATE TRIGGER bank_debits_counted_insert AFTER INSERT ON bank_debits BEGIN
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'bank_debits', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER bank_debits_counted_delete AFTER DELETE ON bank_debits BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'bank_debits';
END;

