-- List totals and building totals are kept by the database itself, in the same
-- statement (hence the same transaction) as the rows they count: a single-row
-- insert needs no explicit transaction, and no code path can forget a counter.

CREATE TRIGGER buildings_counted_insert AFTER INSERT ON buildings BEGIN
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'buildings', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER buildings_counted_delete AFTER DELETE ON buildings BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'buildings';
END;

CREATE TRIGGER owners_counted_insert AFTER INSERT ON owners BEGIN
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'owners', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER owners_counted_delete AFTER DELETE ON owners BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'owners';
END;

CREATE TRIGGER ownerships_counted_insert AFTER INSERT ON ownerships BEGIN
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'ownerships', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER ownerships_counted_delete AFTER DELETE ON ownerships BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'ownerships';
END;

CREATE TRIGGER units_counted_insert AFTER INSERT ON units BEGIN
    UPDATE buildings SET unit_count = unit_count + 1, allocated_quota = allocated_quota + NEW.quota
    WHERE organization_id = NEW.organization_id AND id = NEW.building_id;
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'units', 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER units_counted_update AFTER UPDATE OF quota ON units BEGIN
    UPDATE buildings SET allocated_quota = allocated_quota + NEW.quota - OLD.quota
    WHERE organization_id = NEW.organization_id AND id = NEW.building_id;
END;
CREATE TRIGGER units_counted_delete AFTER DELETE ON units BEGIN
    UPDATE buildings SET unit_count = unit_count - 1, allocated_quota = allocated_quota - OLD.quota
    WHERE organization_id = OLD.organization_id AND id = OLD.building_id;
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'units';
END;

CREATE TRIGGER expenses_counted_insert AFTER INSERT ON expenses BEGIN
    UPDATE buildings SET expense_count = expense_count + 1 WHERE organization_id = NEW.organization_id AND id = NEW.building_id;
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'expenses', 1), (NEW.organization_id, 'expenses:' || NEW.status, 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER expenses_counted_update AFTER UPDATE OF status ON expenses WHEN NEW.status <> OLD.status BEGIN
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name = 'expenses:' || OLD.status;
    INSERT INTO counters (organization_id, name, value) VALUES (NEW.organization_id, 'expenses:' || NEW.status, 1)
    ON CONFLICT (organization_id, name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER expenses_counted_delete AFTER DELETE ON expenses BEGIN
    UPDATE buildings SET expense_count = expense_count - 1 WHERE organization_id = OLD.organization_id AND id = OLD.building_id;
    UPDATE counters SET value = value - 1 WHERE organization_id = OLD.organization_id AND name IN ('expenses', 'expenses:' || OLD.status);
END;
