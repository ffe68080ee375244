-- The audit trail: one hash-chained, append-only chain per organisation
-- (organization_id nil: the platform's own). No personal data is written here.
CREATE TABLE audit_events (
    organization_id BLOB NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    at TEXT NOT NULL,
    actor_user BLOB,
    actor_role TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BLOB,
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

CREATE TABLE audit_heads (
    organization_id BLOB PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

-- The head follows the chain in the same statement as the events.
CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events BEGIN
    UPDATE audit_heads SET seq = NEW.seq, hash = NEW.hash WHERE organization_id = NEW.organization_id AND seq < NEW.seq;
END;

-- Append-only: no connection may change or remove an event.
CREATE TRIGGER audit_events_never_updated BEFORE UPDATE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_events_never_deleted BEFORE DELETE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
