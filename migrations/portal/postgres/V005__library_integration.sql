-- The shared library (P-3, P-4, P-25) and integration into the main portal (P-1).

-- An integrated item shows a component portal's published item on the main portal: the
-- original's id (integrated_from, V001), the revision of the original it shows, and whether it
-- left the site because its original did (so it returns when the original does).
ALTER TABLE portal_items ADD COLUMN integrated_revision BIGINT;
ALTER TABLE portal_items ADD COLUMN follows_original BIGINT NOT NULL DEFAULT 0;

-- The register of official documents (P-3): one row per published original document, kept from
-- its live revision in the transaction of every publication, take-down and withdrawal. Derived
-- from the items; `listed` = 0 when the document left the site (the row is kept).
CREATE TABLE portal_document_register (
    item_id BIGINT PRIMARY KEY REFERENCES portal_items(id),
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    language TEXT NOT NULL,
    revision BIGINT NOT NULL,
    doc_kind TEXT NOT NULL,
    number TEXT NOT NULL,
    symbol TEXT NOT NULL,
    issuer TEXT NOT NULL,
    signer TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    files_json TEXT NOT NULL,                       -- [{url, caption}] of the live revision
    folded_number TEXT NOT NULL,                    -- core::FoldDiacritics of each field
    folded_symbol TEXT NOT NULL,
    folded_issuer TEXT NOT NULL,
    folded_signer TEXT NOT NULL,
    folded_text TEXT NOT NULL,                      -- title, summary, fields and body text, folded
    listed BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX portal_document_register_issued ON portal_document_register(listed, issued_at);
CREATE INDEX portal_document_register_kind ON portal_document_register(doc_kind, issued_at);

-- A portal lists a shared document in one of its sections without copying it (P-25).
CREATE TABLE portal_document_placements (
    id BIGSERIAL PRIMARY KEY,
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    section_id BIGINT NOT NULL REFERENCES portal_sections(id),
    document_item_id BIGINT NOT NULL REFERENCES portal_items(id),
    placed_by BIGINT NOT NULL,
    placed_at BIGINT NOT NULL,
    retired_by BIGINT,
    retired_at BIGINT
);
CREATE UNIQUE INDEX portal_document_placements_live
    ON portal_document_placements(portal_id, section_id, document_item_id) WHERE retired_at IS NULL;

-- Collections (P-4): Party documents and archives, classic works, the Hồ Chí Minh site.
CREATE TABLE portal_collections (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,                             -- party_documents | classic_works | ho_chi_minh | other
    title_vi TEXT NOT NULL,
    title_en TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',          -- active | retired
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Volumes, parts, chapters and sections; a node may hold a published item (its text).
CREATE TABLE portal_collection_nodes (
    id BIGSERIAL PRIMARY KEY,
    collection_id BIGINT NOT NULL REFERENCES portal_collections(id),
    parent_id BIGINT REFERENCES portal_collection_nodes(id),
    level TEXT NOT NULL,                            -- volume | part | chapter | section
    label TEXT NOT NULL,                            -- "Tập 1", "Phần thứ hai", "Chương III"
    title TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    item_id BIGINT REFERENCES portal_items(id),
    status TEXT NOT NULL DEFAULT 'active',          -- active | retired
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX portal_collection_nodes_tree ON portal_collection_nodes(collection_id, parent_id, sort_order);
