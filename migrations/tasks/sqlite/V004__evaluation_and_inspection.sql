-- Watching and evaluating (T-11, T-20, T-21; 08-QC/TW Art. 11, 17). Times are UTC milliseconds.
-- Nothing is deleted by the application.

-- The monitoring unit's rating of an update: a wrong report counts against the results indicator.
ALTER TABLE tasks_updates ADD COLUMN wrong_report BIGINT NOT NULL DEFAULT 0;

-- Indicator sets the task office issues (Art. 17.1.b), versioned; version 1 is the default set.
CREATE TABLE tasks_indicator_sets (
    version BIGINT PRIMARY KEY,
    valid_from TEXT NOT NULL,                -- YYYY-MM-DD: in force from this local day
    weights_json TEXT NOT NULL,              -- {"on_time_completion": 30, ...}
    excellent_from BIGINT NOT NULL,          -- basis points
    complete_from BIGINT NOT NULL,
    incomplete_from BIGINT NOT NULL,
    excellent_needs_no_overdue BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    issued_by BIGINT NOT NULL,               -- 0: shipped with the system
    issued_at BIGINT NOT NULL
);
INSERT INTO tasks_indicator_sets (version, valid_from, weights_json, excellent_from, complete_from, incomplete_from,
    excellent_needs_no_overdue, note, issued_by, issued_at)
VALUES (1, '2025-01-01', '{"on_time_completion":30,"not_overdue":20,"update_timeliness":20,"acknowledgement":10,"evaluation":10,"results":10}',
    9000, 7000, 5000, 1, 'Bộ chỉ số mặc định / default set (docs/tasks.md)', 0, 0);

-- A closed period (published ranking): evaluated once with the set in force on its first day.
CREATE TABLE tasks_evaluations (
    period TEXT PRIMARY KEY,                 -- 2026-Q1 | 2026-H1 | 2026
    kind TEXT NOT NULL,                      -- quarter | half | year
    set_version BIGINT NOT NULL REFERENCES tasks_indicator_sets(version),
    closed_by BIGINT NOT NULL,
    closed_at BIGINT NOT NULL,
    units BIGINT NOT NULL
);

-- Each unit's facts and score in a closed period.
CREATE TABLE tasks_evaluation_results (
    period TEXT NOT NULL REFERENCES tasks_evaluations(period),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    unit_code TEXT NOT NULL,
    facts_json TEXT NOT NULL,                -- {"on_time_completion": [met, due], ..., "overdue_open": n}
    total BIGINT,                            -- basis points; NULL: not evaluated
    class TEXT NOT NULL DEFAULT '',          -- excellent | complete | incomplete | not_complete
    rank BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (period, unit_id)
);

-- Art. 17.3.b: rated not complete two periods running, the unit explains causes and remedies.
CREATE TABLE tasks_unit_explanations (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL REFERENCES tasks_evaluations(period),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    required_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    submitted_by BIGINT,
    submitted_at BIGINT,
    UNIQUE (period, unit_id)
);

-- Inspection commissions' warnings and results (T-11; Art. 11), and the answers to them.
CREATE TABLE tasks_warnings (
    id INTEGER PRIMARY KEY,
    task_id BIGINT REFERENCES tasks_tasks(id),  -- NULL: about the unit as a whole
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,                      -- delay | deviating_data | broken_procedure | inspection_result | supervision_result
    rule TEXT NOT NULL,                      -- the rule it refers to
    text TEXT NOT NULL,
    raised_by BIGINT NOT NULL,
    raised_unit_id BIGINT NOT NULL,          -- the inspection commission's unit
    raised_at BIGINT NOT NULL,
    answered_at BIGINT                       -- the first answer
);
CREATE INDEX tasks_warnings_unit ON tasks_warnings(unit_id, id);
CREATE INDEX tasks_warnings_task ON tasks_warnings(task_id, id);

CREATE TABLE tasks_warning_answers (
    id INTEGER PRIMARY KEY,
    warning_id BIGINT NOT NULL REFERENCES tasks_warnings(id),
    text TEXT NOT NULL,
    answered_by BIGINT NOT NULL,
    answered_at BIGINT NOT NULL
);
CREATE INDEX tasks_warning_answers_warning ON tasks_warning_answers(warning_id, id);
