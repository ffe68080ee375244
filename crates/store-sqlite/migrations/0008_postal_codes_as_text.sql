-- Postal codes are text (PostgreSQL migration 0010): an owner living in the
-- Netherlands writes 1012 LG, one in the United Kingdom SW1A 1AA. SQLite
-- cannot change a column's type, so each table gets a new column, filled from
-- the old one, which is then dropped.

DROP INDEX buildings_by_postal_code;
ALTER TABLE buildings ADD COLUMN postal_code_text TEXT NOT NULL DEFAULT '';
UPDATE buildings SET postal_code_text = CAST(postal_code AS TEXT);
ALTER TABLE buildings DROP COLUMN postal_code;
ALTER TABLE buildings RENAME COLUMN postal_code_text TO postal_code;
CREATE INDEX buildings_by_postal_code ON buildings (organization_id, postal_code, id);

ALTER TABLE owners ADD COLUMN postal_code_text TEXT;
UPDATE owners SET postal_code_text = CAST(postal_code AS TEXT);
ALTER TABLE owners DROP COLUMN postal_code;
ALTER TABLE owners RENAME COLUMN postal_code_text TO postal_code;
