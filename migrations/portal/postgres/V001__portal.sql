-- Portal back office (P-1, P-10, P-13, P-14, P-16): portals, sections, items with whole-item
-- revisions, the item history and the post-check queue. Times are UTC milliseconds (BIGINT).
-- Nothing here is deleted by the application: revisions and history are append-only.

CREATE TABLE portal_portals (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,                      -- 'main' for the main portal
    unit_id BIGINT NOT NULL REFERENCES units(id),   -- the unit whose portal it is
    kind TEXT NOT NULL,                             -- main | agency | ministry | province | city
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    host TEXT UNIQUE,                               -- its own host name, or NULL
    path_prefix TEXT UNIQUE,                        -- or a path prefix on the main site ('/hau-giang')
    languages TEXT NOT NULL,                        -- comma-separated codes, 'vi,en'
    time_zone TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    calendar_code TEXT NOT NULL DEFAULT 'vn-office',
    status TEXT NOT NULL DEFAULT 'active',
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX portal_portals_unit ON portal_portals(unit_id);

CREATE TABLE portal_sections (
    id BIGSERIAL PRIMARY KEY,
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    parent_id BIGINT REFERENCES portal_sections(id),
    code TEXT NOT NULL,                             -- slug, unique in the portal
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    mandatory BIGINT NOT NULL DEFAULT 0,            -- a section of P-27/P-28: cannot be hidden
    status TEXT NOT NULL DEFAULT 'active',          -- active | hidden
    maps_to_section_id BIGINT REFERENCES portal_sections(id),  -- main-portal section that integrates it
    created_at BIGINT NOT NULL,
    UNIQUE (portal_id, code)
);

CREATE TABLE portal_items (
    id BIGSERIAL PRIMARY KEY,
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    translation_of BIGINT REFERENCES portal_items(id),
    state TEXT NOT NULL,                            -- draft | submitted | editing | in_review | approved | scheduled | published | taken_down | withdrawn
    version BIGINT NOT NULL DEFAULT 1,              -- bumped on every change (optimistic concurrency)
    current_revision BIGINT NOT NULL,               -- the newest revision
    live_revision BIGINT,                           -- the revision readers see (published)
    pending_revision BIGINT,                        -- an edit of a published item under review
    pending_state TEXT,                             -- editing | in_review | approved (of the pending revision)
    created_by BIGINT NOT NULL,
    providing_unit_id BIGINT NOT NULL REFERENCES units(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    event_at BIGINT,                                -- the event the news reports (P-13)
    issued_at BIGINT,                               -- issue date of an official document (P-13)
    deadline_due_at BIGINT,
    scheduled_at BIGINT,
    first_published_at BIGINT,
    published_at BIGINT,                            -- when the live revision went live
    lock_at BIGINT,                                 -- from then on only take-down or withdrawal (P-14)
    integrated_from BIGINT REFERENCES portal_items(id),  -- a component portal's item shown here (P-1)
    screening_hold BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX portal_items_queue ON portal_items(portal_id, state, updated_at);
CREATE INDEX portal_items_scheduled ON portal_items(state, scheduled_at);
CREATE INDEX portal_items_translation ON portal_items(translation_of);
CREATE INDEX portal_items_integrated ON portal_items(integrated_from);

-- Every save: the whole item, metadata included. Immutable.
CREATE TABLE portal_revisions (
    item_id BIGINT NOT NULL REFERENCES portal_items(id),
    no BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    created_by_name TEXT NOT NULL,
    role TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    body_html TEXT NOT NULL,
    body_text TEXT NOT NULL,                        -- plain text of the body (diffs, search)
    fields_json TEXT NOT NULL,                      -- authors, source, sections, tags, media, times, grade
    PRIMARY KEY (item_id, no)
);

-- The item's history (P-16): every posting, edit, transition, publication, take-down, correction.
CREATE TABLE portal_item_events (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES portal_items(id),
    at BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state TEXT NOT NULL DEFAULT '',
    revision BIGINT,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX portal_item_events_item ON portal_item_events(item_id, id);

-- Post-check queue (P-14): one entry per publication, update or integration.
CREATE TABLE portal_post_checks (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES portal_items(id),
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    revision BIGINT NOT NULL,
    reason TEXT NOT NULL,                           -- publication | update | integration
    entered_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',          -- pending | checked | finding
    checked_by BIGINT,
    checked_at BIGINT,
    finding TEXT NOT NULL DEFAULT ''
);
CREATE INDEX portal_post_checks_queue ON portal_post_checks(portal_id, state, due_at);
CREATE INDEX portal_post_checks_item ON portal_post_checks(item_id, id);
