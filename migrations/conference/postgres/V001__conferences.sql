-- Conferences (the online-conference regulation; docs/conferences.md): conferences, agenda,
-- sites with attendees, checklists and health, preparation documents, budget estimates, the
-- speaking queue, conclusions and the provinces' proposals. Times are UTC milliseconds.
-- Nothing is deleted by the application: lines and sites are retired, documents versioned.

-- The Vụ Địa phương that follows each provincial office (Art. 7); configurable.
CREATE TABLE conference_regions (
    province_unit_id BIGINT PRIMARY KEY,
    department_unit_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE conference_conferences (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,                    -- periodic | extraordinary | thematic
    title TEXT NOT NULL,
    purpose TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    local_date TEXT NOT NULL,              -- YYYY-MM-DD in the calendar's zone
    chair TEXT NOT NULL,
    chair_is_deputy INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,                   -- proposed | preparing | live | ended | concluded | cancelled
    reports_due_at BIGINT NOT NULL,
    consolidation_due_at BIGINT NOT NULL,
    video_provider TEXT NOT NULL DEFAULT 'none',
    video_url TEXT NOT NULL DEFAULT '',
    video_room TEXT NOT NULL DEFAULT '',
    video_app_id TEXT NOT NULL DEFAULT '',
    video_secret TEXT NOT NULL DEFAULT '',  -- sealed (secret box); never shown
    news_item_id BIGINT NOT NULL DEFAULT 0,
    tasks_document_id BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One periodic conference per local day (the proposal job runs on every node).
CREATE UNIQUE INDEX conference_periodic_day ON conference_conferences (local_date) WHERE kind = 'periodic' AND state <> 'cancelled';

CREATE TABLE conference_agenda (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conference_conferences (id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    presenter TEXT NOT NULL DEFAULT '',
    minutes INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending | current | done
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX conference_agenda_of ON conference_agenda (conference_id, position);

CREATE TABLE conference_sites (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conference_conferences (id),
    unit_id BIGINT NOT NULL,
    kind TEXT NOT NULL,                    -- hub | bridge
    region_unit_id BIGINT NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'active', -- active | retired
    note TEXT NOT NULL DEFAULT '',
    checklist_json TEXT NOT NULL DEFAULT '[]',
    last_seen_at BIGINT,
    rtt_ms INTEGER NOT NULL DEFAULT 0,
    jitter_ms INTEGER NOT NULL DEFAULT 0,
    loss_pct INTEGER NOT NULL DEFAULT 0,
    health TEXT NOT NULL DEFAULT 'not_connected',
    UNIQUE (conference_id, unit_id)
);

CREATE TABLE conference_attendees (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conference_conferences (id),
    site_id BIGINT NOT NULL REFERENCES conference_sites (id),
    name TEXT NOT NULL,
    position TEXT NOT NULL,
    category TEXT NOT NULL,                -- chair | deputy_chair | delegation | provincial | guest
    present INTEGER NOT NULL DEFAULT 0,
    recorded_at BIGINT,
    recorded_by BIGINT NOT NULL DEFAULT 0,
    added_by BIGINT NOT NULL,
    added_at BIGINT NOT NULL
);
CREATE INDEX conference_attendees_of ON conference_attendees (conference_id, site_id);

-- Preparation and follow-up documents, each with its owner unit, state and due time.
CREATE TABLE conference_documents (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conference_conferences (id),
    kind TEXT NOT NULL,
    owner_unit_id BIGINT NOT NULL,
    site_id BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending', -- pending | submitted | approved | issued
    due_at BIGINT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    files_json TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 0,
    submitted_at BIGINT,
    submitted_by BIGINT NOT NULL DEFAULT 0,
    approved_at BIGINT,
    approved_by BIGINT NOT NULL DEFAULT 0,
    issued_at BIGINT,
    issued_by BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    UNIQUE (conference_id, kind, owner_unit_id, site_id)
);
CREATE INDEX conference_documents_due ON conference_documents (state, due_at);

-- Every version handed in, kept.
CREATE TABLE conference_document_versions (
    id BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES conference_documents (id),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    files_json TEXT NOT NULL,
    submitted_by BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    UNIQUE (document_id, version)
);

-- Reminders sent, once per document and level.
CREATE TABLE conference_reminders (
    document_id BIGINT NOT NULL,
    level TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, level)
);

CREATE TABLE conference_budget (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conference_conferences (id),
    site_id BIGINT NOT NULL REFERENCES conference_sites (id),
    category TEXT NOT NULL,
    item TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,        -- quantity × 1000
    unit_price BIGINT NOT NULL,            -- VND
    note TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    entered_by BIGINT NOT NULL,
    entered_at BIGINT NOT NULL
);

CREATE TABLE conference_speaking (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conference_conferences (id),
    site_id BIGINT NOT NULL REFERENCES conference_sites (id),
    topic TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting',
    position INTEGER NOT NULL DEFAULT 0,
    requested_by BIGINT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_by BIGINT NOT NULL DEFAULT 0,
    decided_at BIGINT
);
-- One open request per site at a time.
CREATE UNIQUE INDEX conference_speaking_open ON conference_speaking (conference_id, site_id) WHERE state IN ('waiting', 'granted', 'speaking');

CREATE TABLE conference_conclusions (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conference_conferences (id),
    position INTEGER NOT NULL,
    content TEXT NOT NULL,
    lead_units TEXT NOT NULL,              -- codes, comma-separated
    deadline_at BIGINT,
    task_id BIGINT NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE conference_proposals (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conference_conferences (id),
    site_id BIGINT NOT NULL REFERENCES conference_sites (id),
    text TEXT NOT NULL,
    responsible_unit_id BIGINT NOT NULL DEFAULT 0,
    due_at BIGINT,
    answer TEXT NOT NULL DEFAULT '',
    answered_at BIGINT,
    answered_by BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'open',    -- open | assigned | answered | closed
    raised_by BIGINT NOT NULL,
    raised_at BIGINT NOT NULL,
    closed_at BIGINT
);
