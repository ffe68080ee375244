-- Which of the building's accounts a payment was received on (from the bank
-- statement), so that money on the reserve account goes to the reserve fund.
ALTER TABLE payments ADD COLUMN account_fund TEXT CHECK (account_fund IN ('working', 'reserve'));

-- The association's rules for chasing late payers (lists as comma-separated
-- integers: SQLite has no arrays).
CREATE TABLE reminder_policies (
    organization_id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    delays_days TEXT NOT NULL,
    fees_cents TEXT NOT NULL,
    interest_basis_points INTEGER NOT NULL,
    minimum_cents INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, building_id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id)
);

CREATE TABLE reminders (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    owner_id BLOB NOT NULL,
    call_line_id BLOB NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('reminder', 'formal_notice', 'last_notice')),
    oldest_due TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    principal_cents INTEGER NOT NULL CHECK (principal_cents > 0),
    fee_cents INTEGER NOT NULL CHECK (fee_cents >= 0),
    earlier_fees_cents INTEGER NOT NULL CHECK (earlier_fees_cents >= 0),
    interest_cents INTEGER NOT NULL CHECK (interest_cents >= 0),
    interest_from TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id),
    FOREIGN KEY (organization_id, call_line_id) REFERENCES call_lines (organization_id, id),
    CONSTRAINT reminders_once_per_level UNIQUE (organization_id, building_id, owner_id, oldest_due, level)
);
CREATE INDEX reminders_by_date ON reminders (organization_id, sent_on, id);
CREATE INDEX reminders_of_building_by_date ON reminders (organization_id, building_id, sent_on, id);
CREATE INDEX reminders_of_owner ON reminders (organization_id, owner_id, sent_on);

CREATE TRIGGER reminders_counted_insert AFTER INSERT ON reminders BEGIN
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'reminders', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER reminders_counted_delete AFTER DELETE ON reminders BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'reminders';
END;

CREATE INDEX call_lines_of_owner_in_building ON call_lines (organization_id, owner_id, building_id);
