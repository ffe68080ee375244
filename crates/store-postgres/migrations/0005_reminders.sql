-- Which of the building's accounts a payment was received on (from the bank
-- statement), so that money on the reserve account goes to the reserve fund.
ALTER TABLE payments ADD COLUMN account_fund TEXT CHECK (account_fund IN ('working', 'reserve'));

-- The association's rules for chasing late payers: the delay before each
-- level, its flat fee, the yearly interest after formal notice, and the
-- smallest arrear worth a letter (lists as comma-separated integers, as on SQLite).
CREATE TABLE reminder_policies (
    organization_id UUID NOT NULL,
    building_id UUID NOT NULL,
    delays_days TEXT NOT NULL,
    fees_cents TEXT NOT NULL,
    interest_basis_points INT NOT NULL,
    minimum_cents BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, building_id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id)
);

-- Every reminder sent, with what it claimed. One per level and cycle: the
-- cycle is named by the due date of the oldest line still unpaid.
CREATE TABLE reminders (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    building_id UUID NOT NULL,
    owner_id UUID NOT NULL,
    call_line_id UUID NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('reminder', 'formal_notice', 'last_notice')),
    oldest_due DATE NOT NULL,
    sent_on DATE NOT NULL,
    principal_cents BIGINT NOT NULL CHECK (principal_cents > 0),
    fee_cents BIGINT NOT NULL CHECK (fee_cents >= 0),
    earlier_fees_cents BIGINT NOT NULL CHECK (earlier_fees_cents >= 0),
    interest_cents BIGINT NOT NULL CHECK (interest_cents >= 0),
    interest_from DATE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id),
    FOREIGN KEY (organization_id, call_line_id) REFERENCES call_lines (organization_id, id),
    CONSTRAINT reminders_once_per_level UNIQUE (organization_id, building_id, owner_id, oldest_due, level)
);
CREATE INDEX reminders_by_date ON reminders (organization_id, sent_on, id);
CREATE INDEX reminders_of_building_by_date ON reminders (organization_id, building_id, sent_on, id);
CREATE INDEX reminders_of_owner ON reminders (organization_id, owner_id, sent_on);

CREATE TRIGGER reminders_counted AFTER INSERT OR DELETE ON reminders FOR EACH ROW EXECUTE FUNCTION count_rows('reminders');

-- Owners' statements read their charges by owner and date.
CREATE INDEX call_lines_of_owner_in_building ON call_lines (organization_id, owner_id, building_id);

DO $$
DECLARE
    tenant_table TEXT;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['reminder_policies', 'reminders'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('CREATE POLICY tenant ON %I USING (organization_id = koprogo_tenant()) '
                       'WITH CHECK (organization_id = koprogo_tenant())', tenant_table);
    END LOOP;
END
$$;
