-- Calendar service (X-1).
-- calendar_state.version is incremented by every change to the three calendar tables, in the
-- same transaction. Each node compares it with the version its cached calendars were built from
-- (one primary-key read, at most once a second), so an edit on one node reaches the others
-- without messaging. Its row lock also queues concurrent calendar writers on PostgreSQL.
CREATE TABLE calendar_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO calendar_state (id, version) VALUES (1, 0);

-- Who added or removed, as shown on the admin page (the audit log has the full actor).
ALTER TABLE calendar_exceptions ADD COLUMN created_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE calendar_exceptions ADD COLUMN removed_by_name TEXT;
ALTER TABLE calendar_years ADD COLUMN created_by_name TEXT NOT NULL DEFAULT '';

-- At most one active exception per calendar and day; removed ones stay as history.
CREATE UNIQUE INDEX calendar_exceptions_active_day ON calendar_exceptions(calendar_id, day) WHERE removed_at IS NULL;
CREATE INDEX calendar_years_year ON calendar_years(year, id);
