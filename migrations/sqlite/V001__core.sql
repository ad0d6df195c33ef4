-- Core schema: units, accounts, sessions, audit, calendar, jobs, notifications.
-- Times are UTC milliseconds since the epoch (BIGINT); dates are 'YYYY-MM-DD' text.
-- History tables are append-only; nothing here is ever deleted by the application.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    parent_id BIGINT REFERENCES units(id),
    sort_order BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active',          -- active | merged | dissolved
    ended_on TEXT,                                  -- date of merge or dissolution
    merged_into_id BIGINT REFERENCES units(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

-- Names with effective dates: a record dated D shows the name in force on D (ORG-2).
CREATE TABLE unit_names (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT '',
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX unit_names_unit ON unit_names(unit_id, valid_from);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    unit_id BIGINT NOT NULL REFERENCES units(id),
    status TEXT NOT NULL,                           -- pending | active | refused | revoked
    password_hash TEXT,
    password_changed_at BIGINT,
    must_change_password BIGINT NOT NULL DEFAULT 1,
    totp_secret TEXT,
    totp_enrolled_at BIGINT,
    totp_last_step BIGINT,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE account_requests (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL DEFAULT 'issue',             -- issue
    roles_json TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    requested_by BIGINT REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    decision TEXT,                                  -- approved | refused
    decision_note TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT
);

CREATE TABLE role_grants (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    portal TEXT,
    granted_by BIGINT REFERENCES users(id),
    granted_at BIGINT NOT NULL,
    revoked_by BIGINT REFERENCES users(id),
    revoked_at BIGINT
);
CREATE INDEX role_grants_user ON role_grants(user_id);

CREATE TABLE password_history (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id);

CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT,
    retired_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    second_factor_at BIGINT,
    address TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    ended_at BIGINT,
    ended_reason TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);

-- Failed log-ins, for slow-down and lock-out per address (per account: users.failed_logins).
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    username TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_address ON login_failures(address, at);

-- Audit: append-only, hash-chained by seq (P-9, P-16). audit_head serialises writers and
-- remembers the last hash so that removing the newest records is detected too.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_username TEXT NOT NULL DEFAULT '',
    actor_unit_id BIGINT,
    actor_role TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL DEFAULT '',
    before_json TEXT,
    after_json TEXT,
    address TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log(actor_user_id);

CREATE TABLE calendars (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    weekly_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE calendar_exceptions (
    id INTEGER PRIMARY KEY,
    calendar_id BIGINT NOT NULL REFERENCES calendars(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL,                             -- day_off | working_day | shortened_day
    hours_json TEXT NOT NULL DEFAULT '[]',
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    removed_by BIGINT REFERENCES users(id),
    removed_at BIGINT
);
CREATE INDEX calendar_exceptions_day ON calendar_exceptions(calendar_id, day);

-- Official yearly schedules added by an administrator; they override the files shipped in
-- data/calendar/vn/. The newest row of a year wins; older rows stay as history.
CREATE TABLE calendar_years (
    id INTEGER PRIMARY KEY,
    year BIGINT NOT NULL,
    schedule_json TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,                           -- queued | running | done | failed
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 5,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs(status, run_at);

CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY,
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    node TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    outcome TEXT,                                   -- ok | error
    error TEXT
);
CREATE INDEX job_runs_job ON job_runs(job_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
