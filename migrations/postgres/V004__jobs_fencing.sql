-- Jobs: fencing, heartbeats and recurring schedules.
-- A claim writes a fresh random lease_token; every later update of the job (heartbeat, completion,
-- failure, retry) names that token and must change exactly one row, so a runner that outlived its
-- lease cannot overwrite the outcome of the runner that took over. job_runs.outcome gains
-- 'lost_lease' (the attempt lost its lease before it finished).
ALTER TABLE jobs ADD COLUMN lease_token TEXT;
-- Jobs enqueued by a schedule name it and their period; one job per (schedule, period).
ALTER TABLE jobs ADD COLUMN schedule_name TEXT;
ALTER TABLE jobs ADD COLUMN period_key TEXT;
CREATE UNIQUE INDEX jobs_schedule_period ON jobs(schedule_name, period_key);

-- Recurring schedules shared by all nodes: the node whose conditional UPDATE advances next_run_at
-- enqueues the period's job in the same transaction, so each period runs once across nodes.
CREATE TABLE job_schedules (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    spec TEXT NOT NULL,                             -- 'every 15m +07:00' | 'daily 08:30 +07:00'
    payload TEXT NOT NULL DEFAULT '{}',
    next_run_at BIGINT NOT NULL,                    -- start of the next period not yet run
    last_period_key TEXT,                           -- e.g. '2026-01-02T08:30+07:00'
    last_run_at BIGINT,
    last_job_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
