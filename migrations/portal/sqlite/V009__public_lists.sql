-- Public lists read from the read model alone (one query a list, however many items the portal
-- holds):
-- * the live revision's pictures and files beside each row (a JSON list of {"url", "caption",
--   "credit"}), so that cards and feeds need no item's revision;
-- * one row per item and section, so that a section's page walks an index newest first instead
--   of testing every row's list of sections.
-- Both are NULL / empty until a row is written again: the portal module rewrites such rows when
-- it starts (Service::RebuildPublic).
ALTER TABLE portal_public ADD COLUMN media TEXT;
CREATE TABLE portal_public_sections (
    item_id BIGINT NOT NULL REFERENCES portal_public(item_id),
    section TEXT NOT NULL,
    portal_id BIGINT NOT NULL,
    language TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (item_id, section)
);
CREATE INDEX portal_public_sections_latest ON portal_public_sections(portal_id, section, language, published_at, item_id);
