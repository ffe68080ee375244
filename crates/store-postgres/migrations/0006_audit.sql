-- The audit trail: one hash-chained, append-only chain per organisation
-- (organization_id nil: the platform's own, for sign-ins of unknown accounts).
-- No personal data is written here (events carry ids), so erasing a person
-- never touches it.
CREATE TABLE audit_events (
    organization_id UUID NOT NULL,
    seq BIGINT NOT NULL CHECK (seq > 0),
    at TIMESTAMPTZ NOT NULL,
    actor_user UUID,
    actor_role TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id UUID,
    outcome TEXT NOT NULL,
    request_id TEXT NOT NULL,
    source_ip TEXT NOT NULL,
    changes TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (organization_id, seq)
);
CREATE INDEX audit_events_of_object ON audit_events (organization_id, object_type, object_id, seq);
CREATE INDEX audit_events_of_actor ON audit_events (organization_id, actor_user, seq);
CREATE INDEX audit_events_by_time ON audit_events (organization_id, at, seq);

-- Each chain's last number and hash (also its length: an unfiltered list's
-- total); appending locks this row, so that concurrent writers queue instead
-- of forking the chain.
CREATE TABLE audit_heads (
    organization_id UUID PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

-- The head follows the chain in the same statement as the events.
CREATE FUNCTION audit_moves_head() RETURNS trigger AS $$
BEGIN
    UPDATE audit_heads SET seq = NEW.seq, hash = NEW.hash WHERE organization_id = NEW.organization_id AND seq < NEW.seq;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_moves_head();

-- Append-only, for everyone: the service's role has no right to change or
-- remove an event, and a trigger refuses it even to the tables' owner.
CREATE FUNCTION audit_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
CREATE TRIGGER audit_events_never_truncated BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM koprogo_app;

-- An organisation reads its own chain; the identity pool (no tenant) appends
-- events of sign-ins and memberships to any chain, and reads the platform's.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_events USING (organization_id = koprogo_tenant()) WITH CHECK (organization_id = koprogo_tenant());
CREATE POLICY platform_append ON audit_events FOR INSERT WITH CHECK (current_setting('koprogo.scope', true) = 'platform');
CREATE POLICY platform_read ON audit_events FOR SELECT
    USING (current_setting('koprogo.scope', true) = 'platform' AND organization_id = '00000000-0000-0000-0000-000000000000');
ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_heads USING (organization_id = koprogo_tenant()) WITH CHECK (organization_id = koprogo_tenant());
CREATE POLICY platform ON audit_heads USING (current_setting('koprogo.scope', true) = 'platform')
    WITH CHECK (current_setting('koprogo.scope', true) = 'platform');
