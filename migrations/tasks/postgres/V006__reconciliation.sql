-- Reconciliation (T-12): a unit's own report of its tasks compared with the system, field by
-- field; the unit flags differences for the task office to correct. Nothing is deleted.

CREATE TABLE tasks_reconciliations (
    id BIGSERIAL PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    filename TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,
    matched BIGINT NOT NULL,
    problems_json TEXT NOT NULL             -- ["row 5: …", …]
);
CREATE INDEX tasks_reconciliations_unit ON tasks_reconciliations(unit_id, id);

CREATE TABLE tasks_reconciliation_diffs (
    id BIGSERIAL PRIMARY KEY,
    reconciliation_id BIGINT NOT NULL REFERENCES tasks_reconciliations(id),
    task_id BIGINT NOT NULL REFERENCES tasks_tasks(id),
    field TEXT NOT NULL,                    -- progress | completed_on | deadline | results | presence
    system_value TEXT NOT NULL,
    unit_value TEXT NOT NULL,
    flagged_by BIGINT,
    flagged_at BIGINT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_reconciliation_diffs_of ON tasks_reconciliation_diffs(reconciliation_id, id);
