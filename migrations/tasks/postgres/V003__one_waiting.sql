-- One report waiting for approval per task and unit, one open dispute per task and unit: two
-- requests at once meet here (T-17, T-7).
CREATE UNIQUE INDEX tasks_updates_one_waiting ON tasks_updates(task_id, unit_id) WHERE state = 'submitted';
CREATE UNIQUE INDEX tasks_disputes_one_open ON tasks_disputes(task_id, unit_id) WHERE settled_at IS NULL;
