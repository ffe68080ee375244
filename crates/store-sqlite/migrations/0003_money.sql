-- Co-ownership money: distribution keys, distributed expenses, calls for
-- funds with one structured communication per line, bank imports, payments.
-- Same rules as the core: every table leads with organization_id, foreign
-- keys include it, lists have an index per sort.

-- A key's units must be of the key's building: the foreign key says so.
CREATE UNIQUE INDEX units_of_building ON units (organization_id, building_id, id);

CREATE TABLE distribution_keys (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    CONSTRAINT distribution_keys_name_unique UNIQUE (organization_id, building_id, name)
);
CREATE UNIQUE INDEX distribution_keys_of_building ON distribution_keys (organization_id, building_id, id);

CREATE TABLE distribution_key_weights (
    organization_id BLOB NOT NULL,
    key_id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    unit_id BLOB NOT NULL,
    weight INTEGER NOT NULL CHECK (weight > 0),
    PRIMARY KEY (organization_id, key_id, unit_id),
    FOREIGN KEY (organization_id, building_id, key_id) REFERENCES distribution_keys (organization_id, building_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, building_id, unit_id) REFERENCES units (organization_id, building_id, id)
);
CREATE INDEX distribution_key_weights_of_unit ON distribution_key_weights (organization_id, unit_id);

-- NULL key: the general key (the quotas).
ALTER TABLE expenses ADD COLUMN distribution_key_id BLOB;
ALTER TABLE expenses ADD COLUMN distributed_at TEXT;

CREATE TABLE charge_allocations (
    organization_id BLOB NOT NULL,
    expense_id BLOB NOT NULL,
    unit_id BLOB NOT NULL,
    owner_id BLOB NOT NULL,
    unit_number TEXT NOT NULL,
    unit_weight INTEGER NOT NULL,
    unit_amount_cents INTEGER NOT NULL,
    unit_rounded_up INTEGER NOT NULL,
    share_basis_points INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    rounded_up INTEGER NOT NULL,
    PRIMARY KEY (organization_id, expense_id, unit_id, owner_id),
    FOREIGN KEY (organization_id, expense_id) REFERENCES expenses (organization_id, id),
    FOREIGN KEY (organization_id, unit_id) REFERENCES units (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id)
);
CREATE INDEX charge_allocations_of_owner ON charge_allocations (organization_id, owner_id, expense_id);

CREATE TABLE fund_calls (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    title TEXT NOT NULL,
    as_of TEXT NOT NULL,
    due_date TEXT NOT NULL,
    working_cents INTEGER NOT NULL,
    reserve_cents INTEGER NOT NULL,
    distribution_key_id BLOB,
    issued_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    FOREIGN KEY (organization_id, distribution_key_id) REFERENCES distribution_keys (organization_id, id)
);
CREATE INDEX fund_calls_by_date ON fund_calls (organization_id, as_of, id);
CREATE INDEX fund_calls_of_building_by_date ON fund_calls (organization_id, building_id, as_of, id);
CREATE INDEX fund_calls_by_due_date ON fund_calls (organization_id, due_date, id);

CREATE TABLE call_lines (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    call_id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    owner_id BLOB NOT NULL,
    working_cents INTEGER NOT NULL,
    reserve_cents INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    communication TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, call_id) REFERENCES fund_calls (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id),
    CONSTRAINT call_lines_communication_unique UNIQUE (organization_id, communication)
);
CREATE INDEX call_lines_of_call ON call_lines (organization_id, call_id, id);
CREATE INDEX call_lines_of_owner ON call_lines (organization_id, owner_id, due_date);
CREATE INDEX call_lines_of_building ON call_lines (organization_id, building_id, owner_id);

-- The general assembly's 4/5 decision not to constitute the reserve fund, per financial year.
CREATE TABLE reserve_fund_waivers (
    organization_id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    fiscal_year INTEGER NOT NULL,
    decided_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, building_id, fiscal_year),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id)
);

CREATE TABLE bank_imports (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    file_digest TEXT NOT NULL,
    format TEXT NOT NULL,
    account TEXT NOT NULL,
    movement_count INTEGER NOT NULL,
    recorded_count INTEGER NOT NULL,
    matched_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    CONSTRAINT bank_imports_digest_unique UNIQUE (organization_id, file_digest)
);

CREATE TABLE payments (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    value_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    communication TEXT,
    free_text TEXT,
    counterparty_iban TEXT,
    counterparty_name TEXT,
    bank_reference TEXT,
    import_id BLOB,
    call_line_id BLOB,
    owner_id BLOB,
    working_cents INTEGER NOT NULL,
    reserve_cents INTEGER NOT NULL,
    matched_by TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    FOREIGN KEY (organization_id, import_id) REFERENCES bank_imports (organization_id, id),
    FOREIGN KEY (organization_id, call_line_id) REFERENCES call_lines (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id),
    CONSTRAINT payments_reference_unique UNIQUE (organization_id, building_id, bank_reference)
);
CREATE INDEX payments_by_date ON payments (organization_id, value_date, id);
CREATE INDEX payments_of_building_by_date ON payments (organization_id, building_id, value_date, id);
CREATE INDEX payments_of_line ON payments (organization_id, call_line_id);
CREATE INDEX payments_of_owner ON payments (organization_id, owner_id, value_date);
CREATE INDEX payments_unmatched ON payments (organization_id, value_date, id) WHERE call_line_id IS NULL;

-- Totals of the paged lists, kept with the rows (as in 0002).
CREATE TRIGGER fund_calls_counted_insert AFTER INSERT ON fund_calls BEGIN
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'fund_calls', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER fund_calls_counted_delete AFTER DELETE ON fund_calls BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'fund_calls';
END;
CREATE TRIGGER payments_counted_insert AFTER INSERT ON payments BEGIN
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'payments', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER payments_counted_delete AFTER DELETE ON payments BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'payments';
END;
