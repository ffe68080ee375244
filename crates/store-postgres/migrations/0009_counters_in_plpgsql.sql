-- Every counted insert calls bump_counter from its trigger. As a SQL function
-- that cannot be inlined (it writes), it was parsed and planned again on every
-- call; PL/pgSQL keeps its plans for the connection's life. The common case is
-- an existing counter, so a plain UPDATE goes first and the upsert only when
-- the counter is new.
CREATE OR REPLACE FUNCTION bump_counter(org UUID, counter TEXT, delta BIGINT) RETURNS VOID AS $$
BEGIN
    UPDATE counters SET value = value + delta WHERE organization_id = org AND name = counter;
    IF NOT FOUND THEN
        INSERT INTO counters (organization_id, name, value) VALUES (org, counter, delta)
        ON CONFLICT (organization_id, name) DO UPDATE SET value = counters.value + excluded.value;
    END IF;
END
$$ LANGUAGE plpgsql;
