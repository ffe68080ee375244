-- General assemblies as the syndic prepares them, and their agenda (SQLite
-- migration 0015). The rules that decide them are in the domain
-- (koprogo_domain::assembly); these tables keep what was decided and when.
CREATE TABLE assemblies (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    building_id UUID NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ordinary', 'extraordinary', 'second', 'unanimity_fallback', 'written')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'convened', 'opened', 'closed', 'minutes_signed', 'minutes_sent', 'cancelled')),
    meets_at TIMESTAMPTZ NOT NULL,
    place TEXT NOT NULL,
    remote_means TEXT,
    identity_check TEXT,
    follows_id UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, building_id) REFERENCES buildings (organization_id, id),
    FOREIGN KEY (organization_id, follows_id) REFERENCES assemblies (organization_id, id),
    CONSTRAINT assemblies_follow_up CHECK ((kind IN ('second', 'unanimity_fallback')) = (follows_id IS NOT NULL)),
    CONSTRAINT assemblies_remote_together CHECK ((remote_means IS NULL) = (identity_check IS NULL))
);
CREATE INDEX assemblies_by_date ON assemblies (organization_id, meets_at, id);
CREATE INDEX assemblies_of_building_by_date ON assemblies (organization_id, building_id, meets_at, id);
CREATE INDEX assemblies_following ON assemblies (organization_id, follows_id) WHERE follows_id IS NOT NULL;

CREATE TRIGGER assemblies_counted AFTER INSERT OR DELETE ON assemblies FOR EACH ROW EXECUTE FUNCTION count_rows('assemblies');

CREATE TABLE agenda_items (
    organization_id UUID NOT NULL,
    id UUID NOT NULL,
    assembly_id UUID NOT NULL,
    number INTEGER NOT NULL CHECK (number > 0),
    title TEXT NOT NULL,
    resolution TEXT NOT NULL,
    kind TEXT NOT NULL,
    special_reasons TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, assembly_id) REFERENCES assemblies (organization_id, id),
    CONSTRAINT agenda_items_number_unique UNIQUE (organization_id, assembly_id, number),
    CONSTRAINT agenda_items_private_parts_reasons CHECK (kind <> 'private_parts_works' OR special_reasons IS NOT NULL)
);

ALTER TABLE assemblies ENABLE ROW LEVEL SECURITY;
ALTER TABLE assemblies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON assemblies USING (organization_id = koprogo_tenant()) WITH CHECK (organization_id = koprogo_tenant());
ALTER TABLE agenda_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE agenda_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON agenda_items USING (organization_id = koprogo_tenant()) WITH CHECK (organization_id = koprogo_tenant());
