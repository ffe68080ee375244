-- Units can be listed by floor and by quota (`UnitSort`), but no index kept
-- that order: each page read every unit of the organisation and sorted them
-- (found by the guard test `tests/plans.rs` at 10 000 units).
CREATE INDEX units_by_floor ON units (organization_id, floor, id);
CREATE INDEX units_by_quota ON units (organization_id, quota, id);
