-- Take-down, deletion and correction cases (P-15; 09-QC/TW Art. 10): the reason, who decided in
-- which capacity, the providing unit's agreement, the unit's written request, and the
-- responsibility record due within 24 hours. Append-only: a case is never deleted.

CREATE TABLE portal_takedowns (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES portal_items(id),
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    kind TEXT NOT NULL,                          -- take_down | deletion | correction
    reason TEXT NOT NULL,
    urgent BIGINT NOT NULL DEFAULT 0,
    central BIGINT NOT NULL DEFAULT 0,           -- central content: the decision is the office leadership's
    status TEXT NOT NULL,                        -- awaiting_decision | awaiting_written_request | executed
    requested_by_unit_id BIGINT REFERENCES units(id),
    request_number TEXT,
    request_date TEXT,
    request_file TEXT,
    request_recorded_by BIGINT,
    request_recorded_at BIGINT,
    agreement_note TEXT,
    agreement_recorded_by BIGINT,
    agreement_recorded_at BIGINT,
    decided_by BIGINT,
    decided_by_name TEXT,
    decided_role TEXT,
    decided_at BIGINT,
    executed_at BIGINT,
    correction_note TEXT NOT NULL DEFAULT '',
    correction_applied_at BIGINT,                -- when the corrected revision went live
    reminded_at BIGINT,
    responsibility_json TEXT,
    responsibility_due_at BIGINT NOT NULL,
    responsibility_confirmed_by BIGINT,
    responsibility_confirmed_at BIGINT,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX portal_takedowns_item ON portal_takedowns(item_id, id);
CREATE INDEX portal_takedowns_open ON portal_takedowns(portal_id, status);

-- What a corrected item's public page says (P-15): that it was corrected, when and what changed.
ALTER TABLE portal_items ADD COLUMN correction_note TEXT;
ALTER TABLE portal_items ADD COLUMN corrected_at BIGINT;
