-- Postal codes are text (SQLite migration 0008): an owner living in the
-- Netherlands writes 1012 LG, one in the United Kingdom SW1A 1AA.

ALTER TABLE buildings ALTER COLUMN postal_code TYPE TEXT USING postal_code::text;
ALTER TABLE owners ALTER COLUMN postal_code TYPE TEXT USING postal_code::text;
