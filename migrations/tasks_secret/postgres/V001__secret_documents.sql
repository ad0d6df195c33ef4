-- The secret partition of Tasks (08-QC/TW Art. 5.2): assignment documents classified Mật or Tối
-- mật, in their own SQLite file or PostgreSQL schema, apart from every other table. Only the
-- fields of Art. 5.2: no summary, no task content (only their number), the result only as done
-- or not. Text fields are sealed (libsodium secretbox, "sb1:...") under the partition's own key
-- file, kept outside the database; plain are only what access checks and clocks need (the
-- level, the units' ids, dates). Nothing is deleted by the application.

CREATE TABLE secret_documents (
    id BIGSERIAL PRIMARY KEY,
    secrecy TEXT NOT NULL CHECK (secrecy IN ('mat', 'toi_mat')),
    kind TEXT NOT NULL,
    issued_on TEXT NOT NULL,            -- YYYY-MM-DD
    task_count BIGINT NOT NULL CHECK (task_count > 0),
    deadline BIGINT,                    -- UTC ms; NULL: open-ended
    monitoring_unit_id BIGINT NOT NULL,
    sealed TEXT NOT NULL,               -- sealed JSON: title, number, symbol, signer, submitting_unit, issuing_unit, notes
    done_at BIGINT,                     -- the result (Art. 5.2.g): done when set
    done_by BIGINT,
    evaluation TEXT,                    -- sealed: the monitoring unit's evaluation (Art. 5.2.h)
    evaluated_at BIGINT,
    evaluated_by BIGINT,
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- The bodies assigned (Art. 5.2.c).
CREATE TABLE secret_document_units (
    document_id BIGINT NOT NULL REFERENCES secret_documents (id),
    unit_id BIGINT NOT NULL,
    PRIMARY KEY (document_id, unit_id)
);
CREATE INDEX secret_document_units_unit ON secret_document_units (unit_id);
