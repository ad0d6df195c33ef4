-- Keyed audit chain (P-9, P-16). Records from audit_head.keyed_from on are chained with
-- HMAC-SHA256 under a key kept outside the database (derived from the secret key file), so a
-- person who can only write to the database cannot recompute the chain. Records written before
-- this migration keep their unkeyed SHA-256 and stay verifiable: keyed_from is the first
-- sequence number after them (1 on a new database). Verification also refuses a keyed_from
-- moved past a signed checkpoint (see docs/architecture.md, security notes).
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 1;
UPDATE audit_head SET keyed_from = seq + 1;
