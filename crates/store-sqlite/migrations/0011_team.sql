-- Invitations and password resets (PostgreSQL migration 0013). Identity
-- tables: a link carries only its token, read before any organisation is
-- known. Tokens are kept as SHA-256 digests only.
CREATE TABLE invitations (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    id BLOB NOT NULL,
    token_digest BLOB NOT NULL UNIQUE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    owner_id BLOB,
    -- The seats an invited board member takes, comma-separated.
    building_ids TEXT NOT NULL,
    invited_by BLOB NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT,
    revoked_at TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX invitations_of_organization ON invitations (organization_id, created_at);

CREATE TABLE password_resets (
    token_digest BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    spent_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX password_resets_of_user ON password_resets (user_id);
