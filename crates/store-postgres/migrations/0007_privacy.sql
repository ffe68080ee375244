-- The persons' rights (GDPR): an owner's written consent to convocations by
-- e-mail, with its date (registered mail is the rule otherwise), and the time
-- an owner's or a user's identity was replaced by a pseudonym. Erased rows
-- stay: the accounts that reference them are kept seven years.
ALTER TABLE owners ADD COLUMN email_consent_at TIMESTAMPTZ;
ALTER TABLE owners ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN erased_at TIMESTAMPTZ;
