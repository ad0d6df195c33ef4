-- Reminders (T-13): each sent once per clock and level, whichever node's job sends it.
CREATE TABLE tasks_reminders (
    clock_id BIGINT NOT NULL REFERENCES tasks_clocks(id),
    level TEXT NOT NULL,                     -- due_soon | due | overdue | escalated
    sent_at BIGINT NOT NULL,
    recipients BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (clock_id, level)
);

-- The daily digest: once per person and local day.
CREATE TABLE tasks_digests (
    user_id BIGINT NOT NULL,
    day TEXT NOT NULL,                       -- YYYY-MM-DD in the calendar's zone
    sent_at BIGINT NOT NULL,
    items BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);
