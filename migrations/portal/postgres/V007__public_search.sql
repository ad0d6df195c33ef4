-- What the public site reads (P-21, X-2): one row per published item, kept in the transaction of
-- every change of an item's live revision or state (a derived read model: an item leaving the
-- site leaves it; its history stays in portal_revisions), with its search vectors: exact words
-- (NFC, lower-cased, with diacritics) and folded words (portal/search.hpp), cut by the
-- application the same way on both engines and given to the 'simple' configuration.
CREATE TABLE portal_public (
    item_id BIGINT PRIMARY KEY REFERENCES portal_items(id),
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    language TEXT NOT NULL,
    kind TEXT NOT NULL,
    sections TEXT NOT NULL,              -- ",code,code,": the item's sections
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    body_text TEXT NOT NULL,             -- snippets
    published_at BIGINT NOT NULL,        -- first publication: the date readers see
    updated_at BIGINT NOT NULL,          -- the live revision's publication
    exact tsvector NOT NULL,             -- title (weight A) and lead + body (B), exact words
    folded tsvector NOT NULL             -- the same, folded
);
CREATE INDEX portal_public_latest ON portal_public(portal_id, language, published_at);
CREATE INDEX portal_public_updated ON portal_public(updated_at);
CREATE INDEX portal_public_exact ON portal_public USING GIN (exact);
CREATE INDEX portal_public_folded ON portal_public USING GIN (folded);
