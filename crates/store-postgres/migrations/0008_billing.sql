-- The platform's billing. Which buildings existed when: written by the
-- building's insert trigger and closed by the store when it is deleted, so a
-- building deleted mid-month is still billed for that month. Then each monthly
-- run's invoices, one per organisation and month, numbered without gaps per year.

CREATE TABLE billed_buildings (
    organization_id UUID NOT NULL REFERENCES organizations (id),
    building_id UUID NOT NULL,
    name TEXT NOT NULL,
    active_from TIMESTAMPTZ NOT NULL,
    active_until TIMESTAMPTZ,
    PRIMARY KEY (organization_id, building_id)
);

INSERT INTO billed_buildings (organization_id, building_id, name, active_from)
    SELECT organization_id, id, name, created_at FROM buildings;

CREATE FUNCTION buildings_billed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO billed_buildings (organization_id, building_id, name, active_from)
        VALUES (NEW.organization_id, NEW.id, NEW.name, NEW.created_at)
        ON CONFLICT (organization_id, building_id) DO UPDATE SET active_until = NULL;
    ELSE
        UPDATE billed_buildings SET name = NEW.name WHERE organization_id = NEW.organization_id AND building_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER buildings_billed AFTER INSERT OR UPDATE OF name ON buildings FOR EACH ROW EXECUTE FUNCTION buildings_billed();

CREATE TABLE invoices (
    organization_id UUID NOT NULL REFERENCES organizations (id),
    id UUID NOT NULL,
    number TEXT NOT NULL UNIQUE,
    period TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    net_cents BIGINT NOT NULL CHECK (net_cents > 0),
    vat_basis_points INTEGER NOT NULL,
    vat_cents BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    PRIMARY KEY (organization_id, id),
    CONSTRAINT invoices_once_per_period UNIQUE (organization_id, period)
);
CREATE INDEX invoices_by_period ON invoices (period, number);

CREATE TABLE invoice_lines (
    organization_id UUID NOT NULL,
    invoice_id UUID NOT NULL,
    building_id UUID NOT NULL,
    building_name TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (organization_id, invoice_id, building_id),
    FOREIGN KEY (organization_id, invoice_id) REFERENCES invoices (organization_id, id)
);

-- The last number given each year.
CREATE TABLE invoice_numbers (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- Tenant rows like the others; the monthly run and the business figures work
-- across organisations from the platform pool (koprogo.scope = 'platform').
DO $$
DECLARE
    billing_table TEXT;
BEGIN
    FOREACH billing_table IN ARRAY ARRAY['billed_buildings', 'invoices', 'invoice_lines'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', billing_table);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', billing_table);
        EXECUTE format('CREATE POLICY tenant ON %I USING (organization_id = koprogo_tenant()) '
                       'WITH CHECK (organization_id = koprogo_tenant())', billing_table);
        EXECUTE format('CREATE POLICY platform ON %I USING (current_setting(''koprogo.scope'', true) = ''platform'') '
                       'WITH CHECK (current_setting(''koprogo.scope'', true) = ''platform'')', billing_table);
    END LOOP;
END
$$;
