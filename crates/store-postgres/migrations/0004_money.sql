-- Co-ownership money: distribution keys, distributed expenses, calls for
-- funds with one structured communication per line, bank imports, payments.
-- Same rules as the core: every table leads with organization_id, foreign
-- keys include it, lists have an index per sort.

-- A key's units must be of the key's building: the foreign key says so.
CREATE UNIQUE INDEX units_of_building ON units (organization_id, building_id, id);

CREATE TABLE distribution_keys (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    building_id UUID NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    CONSTRAINT distribution_keys_name_unique UNIQUE (organization_id, building_id, name)
);
CREATE UNIQUE INDEX distribution_keys_of_building ON distribution_keys (organization_id, building_id, id);

CREATE TABLE distribution_key_weights (
    organization_id UUID NOT NULL,
    key_id UUID NOT NULL,
    building_id UUID NOT NULL,
    unit_id UUID NOT NULL,
    weight BIGINT NOT NULL CHECK (weight > 0),
    PRIMARY KEY (organization_id, key_id, unit_id),
    FOREIGN KEY (organization_id, building_id, key_id) REFERENCES distribution_keys (organization_id, building_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, building_id, unit_id) REFERENCES units (organization_id, building_id, id)
);
CREATE INDEX distribution_key_weights_of_unit ON distribution_key_weights (organization_id, unit_id);

-- NULL key: the general key (the quotas).
ALTER TABLE expenses ADD COLUMN distribution_key_id UUID;
ALTER TABLE expenses ADD COLUMN distributed_at TIMESTAMPTZ;

CREATE TABLE charge_allocations (
    organization_id UUID NOT NULL,
    expense_id UUID NOT NULL,
    unit_id UUID NOT NULL,
    owner_id UUID NOT NULL,
    unit_number TEXT NOT NULL,
    unit_weight BIGINT NOT NULL,
    unit_amount_cents BIGINT NOT NULL,
    unit_rounded_up BOOLEAN NOT NULL,
    share_basis_points INTEGER NOT NULL,
    amount_cents BIGINT NOT NULL,
    rounded_up BOOLEAN NOT NULL,
    PRIMARY KEY (organization_id, expense_id, unit_id, owner_id),
    FOREIGN KEY (organization_id, expense_id) REFERENCES expenses (organization_id, id),
    FOREIGN KEY (organization_id, unit_id) REFERENCES units (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id)
);
CREATE INDEX charge_allocations_of_owner ON charge_allocations (organization_id, owner_id, expense_id);

CREATE TABLE fund_calls (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    building_id UUID NOT NULL,
    title TEXT NOT NULL,
    as_of DATE NOT NULL,
    due_date DATE NOT NULL,
    working_cents BIGINT NOT NULL,
    reserve_cents BIGINT NOT NULL,
    distribution_key_id UUID,
    issued_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    FOREIGN KEY (organization_id, distribution_key_id) REFERENCES distribution_keys (organization_id, id)
);
CREATE INDEX fund_calls_by_date ON fund_calls (organization_id, as_of, id);
CREATE INDEX fund_calls_of_building_by_date ON fund_calls (organization_id, building_id, as_of, id);
CREATE INDEX fund_calls_by_due_date ON fund_calls (organization_id, due_date, id);

CREATE TABLE call_lines (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    call_id UUID NOT NULL,
    building_id UUID NOT NULL,
    owner_id UUID NOT NULL,
    working_cents BIGINT NOT NULL,
    reserve_cents BIGINT NOT NULL,
    due_date DATE NOT NULL,
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
    organization_id UUID NOT NULL,
    building_id UUID NOT NULL,
    fiscal_year INTEGER NOT NULL,
    decided_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, building_id, fiscal_year),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id)
);

CREATE TABLE bank_imports (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    building_id UUID NOT NULL,
    file_digest TEXT NOT NULL,
    format TEXT NOT NULL,
    account TEXT NOT NULL,
    movement_count INTEGER NOT NULL,
    recorded_count INTEGER NOT NULL,
    matched_count INTEGER NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    CONSTRAINT bank_imports_digest_unique UNIQUE (organization_id, file_digest)
);

CREATE TABLE payments (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    building_id UUID NOT NULL,
    value_date DATE NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    communication TEXT,
    free_text TEXT,
    counterparty_iban TEXT,
    counterparty_name TEXT,
    bank_reference TEXT,
    import_id UUID,
    call_line_id UUID,
    owner_id UUID,
    working_cents BIGINT NOT NULL,
    reserve_cents BIGINT NOT NULL,
    matched_by TEXT,
    created_at TIMESTAMPTZ NOT NULL,
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

-- Totals of the paged lists, kept with the rows (count_rows, 0002).
CREATE TRIGGER fund_calls_counted AFTER INSERT OR DELETE ON fund_calls FOR EACH ROW EXECUTE FUNCTION count_rows('fund_calls');
CREATE TRIGGER payments_counted AFTER INSERT OR DELETE ON payments FOR EACH ROW EXECUTE FUNCTION count_rows('payments');

-- Row-level security, as for the core tables (0003).
DO $$
DECLARE
    tenant_table TEXT;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['distribution_keys', 'distribution_key_weights', 'charge_allocations', 'fund_calls',
                                        'call_lines', 'reserve_fund_waivers', 'bank_imports', 'payments'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('CREATE POLICY tenant ON %I USING (organization_id = koprogo_tenant()) '
                       'WITH CHECK (organization_id = koprogo_tenant())', tenant_table);
    END LOOP;
END
$$;
