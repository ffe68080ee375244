-- A second wall behind the application's own `organization_id = $1` filters.
-- The service works as `koprogo_app` (it connects as the owner, migrates, then
-- every pooled connection runs SET ROLE koprogo_app), which owns nothing, so
-- row-level security applies to it. Co-ownership data is visible only for the
-- organisation named by the `koprogo.tenant` setting, which the store sets on
-- every connection it hands to a tenant query (and locally in each write
-- transaction). A query that forgot its filter sees one organisation at most;
-- one that forgot to set the tenant sees nothing.
--
-- Identity tables (organizations, users, memberships, board_seats, sessions)
-- are read before any organisation is known (by token digest, e-mail, user)
-- and stay outside: their queries are keyed by those, never listed by tenant.

DO $$
BEGIN
    CREATE ROLE koprogo_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- another database of this cluster created it first
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT koprogo_app TO %I', current_user);
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO koprogo_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO koprogo_app;
REVOKE ALL ON _sqlx_migrations FROM koprogo_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO koprogo_app;

-- Inlined by the planner (a STABLE one-line SQL function): no cost per row.
CREATE FUNCTION koprogo_tenant() RETURNS UUID AS $$
    SELECT NULLIF(current_setting('koprogo.tenant', true), '')::uuid
$$ LANGUAGE sql STABLE;

DO $$
DECLARE
    tenant_table TEXT;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['buildings', 'units', 'owners', 'ownerships', 'expenses', 'counters'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('CREATE POLICY tenant ON %I USING (organization_id = koprogo_tenant()) '
                       'WITH CHECK (organization_id = koprogo_tenant())', tenant_table);
    END LOOP;
END
$$;

-- Counters are written by the triggers of the tenant's own rows. The platform
-- admin's usage view reads them across organisations (numbers only) from the
-- identity pool, whose connections carry koprogo.scope = 'platform'.
CREATE POLICY platform_usage ON counters FOR SELECT USING (current_setting('koprogo.scope', true) = 'platform');
