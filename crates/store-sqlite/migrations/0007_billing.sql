-- The platform's billing (PostgreSQL migration 0008): which buildings existed
-- when, and each monthly run's invoices.

CREATE TABLE billed_buildings (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    building_id BLOB NOT NULL,
    name TEXT NOT NULL,
    active_from TEXT NOT NULL,
    active_until TEXT,
    PRIMARY KEY (organization_id, building_id)
);

INSERT INTO billed_buildings (organization_id, building_id, name, active_from)
    SELECT organization_id, id, name, created_at FROM buildings;

CREATE TRIGGER buildings_billed_insert AFTER INSERT ON buildings BEGIN
    INSERT INTO billed_buildings (organization_id, building_id, name, active_from)
    VALUES (NEW.organization_id, NEW.id, NEW.name, NEW.created_at)
    ON CONFLICT (organization_id, building_id) DO UPDATE SET active_until = NULL;
END;
CREATE TRIGGER buildings_billed_rename AFTER UPDATE OF name ON buildings BEGIN
    UPDATE billed_buildings SET name = NEW.name WHERE organization_id = NEW.organization_id AND building_id = NEW.id;
END;

CREATE TABLE invoices (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    id BLOB NOT NULL,
    number TEXT NOT NULL UNIQUE,
    period TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    net_cents INTEGER NOT NULL CHECK (net_cents > 0),
    vat_basis_points INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    total_cents INTEGER NOT NULL,
    PRIMARY KEY (organization_id, id),
    CONSTRAINT invoices_once_per_period UNIQUE (organization_id, period)
);
CREATE INDEX invoices_by_period ON invoices (period, number);

CREATE TABLE invoice_lines (
    organization_id BLOB NOT NULL,
    invoice_id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    building_name TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    PRIMARY KEY (organization_id, invoice_id, building_id),
    FOREIGN KEY (organization_id, invoice_id) REFERENCES invoices (organization_id, id)
);

CREATE TABLE invoice_numbers (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);
