-- Periodic data cleaning (T-14; quarterly, half-yearly, yearly): likely duplicates and
-- inconsistent records listed for the task office to merge, dismiss or correct.

-- A task merged into another (a duplicate): kept, out of lists, clocks and evaluations.
ALTER TABLE tasks_tasks ADD COLUMN merged_into BIGINT;

-- One run per quarter's end (the second and the fourth are the half-year's and the year's), or on demand.
CREATE TABLE tasks_cleaning_runs (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,                   -- 2026-Q1 … or 'on_demand'
    ran_at BIGINT NOT NULL,
    ran_by BIGINT NOT NULL,                 -- 0: the job
    found BIGINT NOT NULL
);
CREATE UNIQUE INDEX tasks_cleaning_runs_period ON tasks_cleaning_runs(period) WHERE period <> 'on_demand';

CREATE TABLE tasks_findings (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,                     -- likely_duplicate | completion_before_start | progress_out_of_range | update_after_completion
    task_id BIGINT NOT NULL REFERENCES tasks_tasks(id),
    other_task_id BIGINT NOT NULL DEFAULT 0,  -- the other of a likely duplicate
    similarity BIGINT NOT NULL DEFAULT 0,   -- basis points
    run_id BIGINT NOT NULL REFERENCES tasks_cleaning_runs(id),
    found_at BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',     -- open | merged | dismissed | corrected
    decided_by BIGINT,
    decided_at BIGINT,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (code, task_id, other_task_id)
);
CREATE INDEX tasks_findings_state ON tasks_findings(state, id);
