-- Second-factor failures counted on their own, never reset by the password step (P-8, X-3).
ALTER TABLE users ADD COLUMN second_factor_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN second_factor_locked_until BIGINT;
-- Who last reset this account's password or second factor (four eyes on approvals, P-7).
ALTER TABLE users ADD COLUMN credentials_reset_by BIGINT;
-- Failures per address: 'password' or 'second_factor'.
ALTER TABLE login_failures ADD COLUMN kind TEXT NOT NULL DEFAULT 'password';
CREATE INDEX login_failures_kind_address ON login_failures(kind, address, at);

-- A password reset hands the new password to the account's owner: a one-time code goes to the
-- owner's e-mail, and the owner collects the password with it. Only the code's hash is kept.
CREATE TABLE credential_handovers (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    retired_at BIGINT
);
CREATE INDEX credential_handovers_user ON credential_handovers(user_id);
