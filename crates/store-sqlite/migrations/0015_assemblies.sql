-- General assemblies as the syndic prepares them, and their agenda
-- (PostgreSQL migration 0017). The rules that decide them are in the domain
-- (koprogo_domain::assembly); these tables keep what was decided and when.
CREATE TABLE assemblies (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    building_id BLOB NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ordinary', 'extraordinary', 'second', 'unanimity_fallback', 'written')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'convened', 'opened', 'closed', 'minutes_signed', 'minutes_sent', 'cancelled')),
    meets_at TEXT NOT NULL,
    place TEXT NOT NULL,
    remote_means TEXT,
    identity_check TEXT,
    follows_id BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    FOREIGN KEY (organization_id, follows_id) REFERENCES assemblies (organization_id, id),
    CONSTRAINT assemblies_follow_up CHECK ((kind IN ('second', 'unanimity_fallback')) = (follows_id IS NOT NULL)),
    CONSTRAINT assemblies_remote_together CHECK ((remote_means IS NULL) = (identity_check IS NULL))
);
CREATE INDEX assemblies_by_date ON assemblies (organization_id, meets_at, id);
CREATE INDEX assemblies_of_building_by_date ON assemblies (organization_id, building_id, meets_at, id);
CREATE INDEX assemblies_following ON assemblies (organization_id, follows_id) WHERE follows_id IS NOT NULL;

CREATE TRIGGER assemblies_counted_insert AFTER INSERT ON assemblies BEGIN
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'assemblies', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER assemblies_counted_delete AFTER DELETE ON assemblies BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'assemblies';
END;

CREATE TABLE agenda_items (
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL,
    assembly_id BLOB NOT NULL,
    number INTEGER NOT NULL CHECK (number > 0),
    title TEXT NOT NULL,
    resolution TEXT NOT NULL,
    kind TEXT NOT NULL,
    special_reasons TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, assembly_id) REFERENCES assemblies (organization_id, id),
    CONSTRAINT agenda_items_number_unique UNIQUE (organization_id, assembly_id, number),
    CONSTRAINT agenda_items_private_parts_reasons CHECK (kind <> 'private_parts_works' OR special_reasons IS NOT NULL)
);
