-- Invitations and password resets (SQLite migration 0011). Identity tables:
-- a link carries only its token, read before any organisation is known, so
-- like memberships they sit outside row-level security and are reached on
-- the identity pool. Tokens are kept as SHA-256 digests only.
CREATE TABLE invitations (
    organization_id UUID NOT NULL REFERENCES organizations (id),
    id UUID NOT NULL,
    token_digest BYTEA NOT NULL UNIQUE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    owner_id UUID,
    -- The seats an invited board member takes, comma-separated.
    building_ids TEXT NOT NULL,
    invited_by UUID NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, owner_id) REFERENCES owners (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX invitations_of_organization ON invitations (organization_id, created_at);

CREATE TABLE password_resets (
    token_digest BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    spent_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_resets_of_user ON password_resets (user_id);
