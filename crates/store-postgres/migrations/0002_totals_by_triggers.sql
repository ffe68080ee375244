-- List totals and building totals are kept by the database itself, in the same
-- statement (hence the same transaction) as the rows they count: a single-row
-- insert needs no explicit transaction, and no code path can forget a counter.

CREATE FUNCTION bump_counter(org UUID, counter TEXT, delta BIGINT) RETURNS VOID AS $$
    INSERT INTO counters (organization_id, name, value) VALUES (org, counter, delta)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = counters.value + excluded.value
$$ LANGUAGE sql;

CREATE FUNCTION count_rows() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_counter(NEW.organization_id, TG_ARGV[0], 1);
    ELSE
        PERFORM bump_counter(OLD.organization_id, TG_ARGV[0], -1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER buildings_counted AFTER INSERT OR DELETE ON buildings FOR EACH ROW EXECUTE FUNCTION count_rows('buildings');
CREATE TRIGGER owners_counted AFTER INSERT OR DELETE ON owners FOR EACH ROW EXECUTE FUNCTION count_rows('owners');
CREATE TRIGGER ownerships_counted AFTER INSERT OR DELETE ON ownerships FOR EACH ROW EXECUTE FUNCTION count_rows('ownerships');

CREATE FUNCTION count_units() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE buildings SET unit_count = unit_count + CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE 0 END,
            allocated_quota = allocated_quota + NEW.quota - CASE WHEN TG_OP = 'UPDATE' THEN OLD.quota ELSE 0 END
        WHERE organization_id = NEW.organization_id AND id = NEW.building_id;
    ELSE
        UPDATE buildings SET unit_count = unit_count - 1, allocated_quota = allocated_quota - OLD.quota
        WHERE organization_id = OLD.organization_id AND id = OLD.building_id;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_counter(NEW.organization_id, 'units', 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM bump_counter(OLD.organization_id, 'units', -1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER units_counted AFTER INSERT OR DELETE OR UPDATE OF quota ON units FOR EACH ROW EXECUTE FUNCTION count_units();

CREATE FUNCTION count_expenses() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE buildings SET expense_count = expense_count + 1 WHERE organization_id = NEW.organization_id AND id = NEW.building_id;
        PERFORM bump_counter(NEW.organization_id, 'expenses', 1);
        PERFORM bump_counter(NEW.organization_id, 'expenses:' || NEW.status, 1);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE buildings SET expense_count = expense_count - 1 WHERE organization_id = OLD.organization_id AND id = OLD.building_id;
        PERFORM bump_counter(OLD.organization_id, 'expenses', -1);
        PERFORM bump_counter(OLD.organization_id, 'expenses:' || OLD.status, -1);
    ELSIF NEW.status <> OLD.status THEN
        PERFORM bump_counter(OLD.organization_id, 'expenses:' || OLD.status, -1);
        PERFORM bump_counter(NEW.organization_id, 'expenses:' || NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER expenses_counted AFTER INSERT OR DELETE OR UPDATE OF status ON expenses FOR EACH ROW EXECUTE FUNCTION count_expenses();
