-- Core schema: accounts and tenancy, buildings, units, owners, ownerships, expenses.
-- Every tenant table leads with organization_id: its primary key is
-- (organization_id, id) and its foreign keys include organization_id, so the
-- database itself refuses a reference across organisations, indexes lead with
-- the tenant, and the tables can be distributed by organization_id (Citus).

CREATE TABLE organizations (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX organizations_by_name ON organizations (name, id);
CREATE INDEX organizations_by_created ON organizations (created_at, id);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    language TEXT NOT NULL,
    is_platform_admin INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- List totals kept in the same transaction as the rows they count, so that a
-- page never pays for a COUNT(*) over the tenant's data.
CREATE TABLE counters (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (organization_id, name)
);

CREATE TABLE buildings (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code INTEGER NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    bce_number TEXT,
    quota_base INTEGER NOT NULL,
    construction_year INTEGER,
    language TEXT NOT NULL,
    working_fund_iban TEXT,
    reserve_fund_iban TEXT,
    year_start_month INTEGER NOT NULL,
    year_start_day INTEGER NOT NULL,
    unit_count INTEGER NOT NULL,
    allocated_quota INTEGER NOT NULL,
    expense_count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX buildings_by_name ON buildings (organization_id, name, id);
CREATE INDEX buildings_by_city ON buildings (organization_id, city, id);
CREATE INDEX buildings_by_postal_code ON buildings (organization_id, postal_code, id);
CREATE INDEX buildings_by_created ON buildings (organization_id, created_at, id);

CREATE TABLE units (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    unit_number TEXT NOT NULL,
    unit_type TEXT NOT NULL,
    floor INTEGER,
    surface_hundredths INTEGER,
    quota INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    CONSTRAINT units_number_unique UNIQUE (organization_id, building_id, unit_number)
);
CREATE INDEX units_by_number ON units (organization_id, unit_number, id);
CREATE INDEX units_by_created ON units (organization_id, created_at, id);
CREATE INDEX units_of_building_by_created ON units (organization_id, building_id, created_at, id);

CREATE TABLE owners (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    id BLOB NOT NULL,
    kind TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    street TEXT,
    postal_code INTEGER,
    city TEXT,
    country TEXT,
    iban TEXT,
    language TEXT NOT NULL,
    bce_number TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX owners_by_last_name ON owners (organization_id, last_name, id);
CREATE INDEX owners_by_first_name ON owners (organization_id, first_name, id);
CREATE INDEX owners_by_email ON owners (organization_id, email, id);
CREATE INDEX owners_by_created ON owners (organization_id, created_at, id);

CREATE TABLE ownerships (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    unit_id BLOB NOT NULL,
    owner_id BLOB NOT NULL,
    share_basis_points INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, unit_id) REFERENCES units (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id)
);
CREATE INDEX ownerships_of_unit ON ownerships (organization_id, unit_id, start_date);
CREATE INDEX ownerships_of_owner ON ownerships (organization_id, owner_id, start_date);
CREATE INDEX ownerships_by_created ON ownerships (organization_id, created_at, id);

CREATE TABLE expenses (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    expense_date TEXT NOT NULL,
    supplier TEXT NOT NULL,
    invoice_number TEXT,
    description TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    vat_rate INTEGER NOT NULL,
    category TEXT NOT NULL,
    account_code TEXT NOT NULL,
    fund TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id)
);
CREATE INDEX expenses_by_date ON expenses (organization_id, expense_date, id);
CREATE INDEX expenses_of_building_by_date ON expenses (organization_id, building_id, expense_date, id);
CREATE INDEX expenses_by_created ON expenses (organization_id, created_at, id);
CREATE INDEX expenses_of_building_by_created ON expenses (organization_id, building_id, created_at, id);
CREATE INDEX expenses_by_amount ON expenses (organization_id, amount_cents, id);
CREATE INDEX expenses_by_supplier ON expenses (organization_id, supplier, id);
CREATE INDEX expenses_by_status ON expenses (organization_id, status, expense_date, id);

CREATE TABLE memberships (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    owner_id BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id)
);
CREATE INDEX memberships_of_user ON memberships (user_id, created_at);
CREATE INDEX memberships_of_owner ON memberships (organization_id, owner_id);

CREATE TABLE board_seats (
    organization_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    PRIMARY KEY (organization_id, user_id, building_id),
    FOREIGN KEY (organization_id, user_id) REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id)
);

-- Opaque tokens, stored as SHA-256 digests only. A login makes a family of
-- one access and one refresh token; refreshing spends the refresh token and
-- adds a new pair to the family; logout deletes the family.
CREATE TABLE sessions (
    token_digest BLOB PRIMARY KEY,
    family BLOB NOT NULL,
    kind TEXT NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id BLOB REFERENCES organizations (id),
    expires_at TEXT NOT NULL,
    spent_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX sessions_of_family ON sessions (family);
CREATE INDEX sessions_of_user ON sessions (user_id, expires_at);
