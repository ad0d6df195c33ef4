-- Tasks (08-QC/TW): documents, tasks and sub-tasks, their units, clocks, updates, disputes,
-- explanations and the history of computed statuses. Times are UTC milliseconds (BIGINT).
-- Nothing is deleted by the application.

-- The classification catalogue of Art. 4, kept by the task office.
CREATE TABLE tasks_catalogue (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,                 -- kind | group | scope | priority
    code TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active',  -- active | retired
    updated_at BIGINT NOT NULL,
    UNIQUE (category, code)
);

-- Assignment documents (Art. 5.1). Secret ones (mật, tối mật) live in their own partition.
CREATE TABLE tasks_documents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    number TEXT NOT NULL,
    symbol TEXT NOT NULL,
    summary TEXT NOT NULL,
    issued_on TEXT NOT NULL,                -- YYYY-MM-DD
    issued_at BIGINT NOT NULL,              -- its start in the calendar's zone (the entry clock)
    signer TEXT NOT NULL,
    submitting_unit TEXT NOT NULL,
    issuing_unit TEXT NOT NULL,
    secrecy TEXT NOT NULL,                  -- thuong
    files_json TEXT NOT NULL,               -- [{url, filename, signature}]
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE tasks_tasks (
    id INTEGER PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES tasks_documents(id),
    parent_id BIGINT REFERENCES tasks_tasks(id),
    content TEXT NOT NULL,
    monitoring_unit_id BIGINT NOT NULL REFERENCES units(id),
    start_at BIGINT NOT NULL,
    deadline_at BIGINT,
    cadence TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL,
    scope TEXT NOT NULL,
    group_code TEXT NOT NULL DEFAULT '',
    assigned_at BIGINT NOT NULL,
    progress BIGINT NOT NULL DEFAULT 0,      -- of the latest approved update
    results TEXT NOT NULL DEFAULT '',
    products TEXT NOT NULL DEFAULT '',
    started BIGINT NOT NULL DEFAULT 0,       -- at least one approved update
    completed_at BIGINT,
    status TEXT NOT NULL,
    status_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tasks_tasks_document ON tasks_tasks(document_id);
CREATE INDEX tasks_tasks_parent ON tasks_tasks(parent_id);
CREATE INDEX tasks_tasks_status ON tasks_tasks(status, deadline_at);

CREATE TABLE tasks_task_units (
    task_id BIGINT NOT NULL REFERENCES tasks_tasks(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    role TEXT NOT NULL,                      -- lead | coordinating
    active BIGINT NOT NULL DEFAULT 1,        -- 0 once reassigned away
    acknowledged_at BIGINT,
    acknowledged_by BIGINT,
    PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX tasks_task_units_unit ON tasks_task_units(unit_id, role);

-- Every clock (T-25): entry, acknowledgement, dispute, settlement, evaluation, checkpoints.
CREATE TABLE tasks_clocks (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks_tasks(id),
    kind TEXT NOT NULL,                      -- entry | acknowledge | dispute | settle | evaluate | update | final
    subject BIGINT NOT NULL DEFAULT 0,       -- unit, update or dispute id; 0 for the task
    label TEXT NOT NULL DEFAULT '',
    started_at BIGINT NOT NULL,
    point_at BIGINT,                         -- checkpoints: the nominal moment
    due_at BIGINT NOT NULL,
    done_at BIGINT,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (task_id, kind, subject, label)
);
CREATE INDEX tasks_clocks_open ON tasks_clocks(done_at, due_at);

CREATE TABLE tasks_updates (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks_tasks(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    progress BIGINT NOT NULL,
    results TEXT NOT NULL,
    products TEXT NOT NULL,
    difficulties TEXT NOT NULL,
    causes TEXT NOT NULL,
    attachments_json TEXT NOT NULL,
    completion BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL,                     -- submitted | approved | returned
    submitted_by BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    decided_by BIGINT,
    decided_at BIGINT,
    decision_comment TEXT NOT NULL DEFAULT '',
    evaluation TEXT NOT NULL DEFAULT '',
    evaluated_by BIGINT,
    evaluated_at BIGINT
);
CREATE INDEX tasks_updates_task ON tasks_updates(task_id, id);

CREATE TABLE tasks_disputes (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks_tasks(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    reason TEXT NOT NULL,
    raised_by BIGINT NOT NULL,
    raised_at BIGINT NOT NULL,
    settled_by BIGINT,
    settled_at BIGINT,
    outcome TEXT NOT NULL DEFAULT '',        -- kept | reassigned
    settlement TEXT NOT NULL DEFAULT '',
    new_unit_id BIGINT
);

-- A late or wrong report asks for a written explanation before the next update (T-18).
CREATE TABLE tasks_explanations (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks_tasks(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    cause TEXT NOT NULL,                     -- late_report | wrong_report
    detail TEXT NOT NULL DEFAULT '',
    required_at BIGINT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    submitted_by BIGINT,
    submitted_at BIGINT
);
CREATE INDEX tasks_explanations_open ON tasks_explanations(task_id, unit_id, submitted_at);

-- Every change of a task's computed status, with its time (T-4).
CREATE TABLE tasks_status_history (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks_tasks(id),
    status TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX tasks_status_history_task ON tasks_status_history(task_id, id);
