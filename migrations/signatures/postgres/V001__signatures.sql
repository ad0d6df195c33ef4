-- Signatures (P-31): signing keys per signer identity, the registry of signed files (append-only:
-- an entry is withdrawn, never deleted) and the stored results of embedded PDF signature checks.
-- Times are UTC milliseconds.

CREATE TABLE signature_keys (
    signer TEXT PRIMARY KEY,          -- "portal:main", "tasks:vptw"
    public_key TEXT NOT NULL,         -- Ed25519, base64 of the 32 bytes
    secret_sealed TEXT NOT NULL,      -- the 32-byte seed, sealed with core::SecretBox ("sb1:...")
    created_at BIGINT NOT NULL
);

CREATE TABLE signature_entries (
    id BIGSERIAL PRIMARY KEY,
    sha256 TEXT NOT NULL,             -- lower-case hex of the file's SHA-256
    size BIGINT NOT NULL,
    filename TEXT NOT NULL,
    title TEXT NOT NULL,
    signer TEXT NOT NULL REFERENCES signature_keys(signer),
    owner_module TEXT NOT NULL,       -- "portal", "tasks"
    owner_id TEXT NOT NULL,           -- the owner's id of the document
    registered_at BIGINT NOT NULL,
    public_key TEXT NOT NULL,         -- the signer's key at registration (base64)
    signature TEXT NOT NULL,          -- Ed25519 over the canonical message (base64)
    withdrawn_at BIGINT,
    withdrawn_reason TEXT,
    withdrawn_by TEXT,
    UNIQUE (sha256, signer, owner_module, owner_id)
);
CREATE INDEX signature_entries_sha256 ON signature_entries(sha256);
CREATE INDEX signature_entries_owner ON signature_entries(owner_module, owner_id);

CREATE TABLE signature_pdf_checks (
    sha256 TEXT PRIMARY KEY,
    checked_at BIGINT NOT NULL,
    is_pdf INTEGER NOT NULL,
    present INTEGER NOT NULL,
    valid INTEGER NOT NULL,
    covers_whole_file INTEGER NOT NULL,
    sub_filter TEXT NOT NULL,
    signer_subject TEXT NOT NULL,
    signer_issuer TEXT NOT NULL,
    signing_time BIGINT,
    signing_time_source TEXT NOT NULL,
    reason TEXT NOT NULL,
    signature_count INTEGER NOT NULL
);
