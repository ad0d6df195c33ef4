-- Prohibited terms (P-31; Hậu Giang Art. 5, 09-QC/TW Art. 8.1): each portal's list, kept by its
-- administrators. A term is retired, never deleted; one live term per folded form.
CREATE TABLE portal_prohibited_terms (
    id INTEGER PRIMARY KEY,
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    term TEXT NOT NULL,
    folded TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_by BIGINT,
    retired_at BIGINT
);
CREATE UNIQUE INDEX portal_prohibited_terms_live ON portal_prohibited_terms(portal_id, folded) WHERE retired_at IS NULL;

-- A publisher's decision to publish a revision despite its matches, with the reason (P-31).
CREATE TABLE portal_screening_confirmations (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES portal_items(id),
    revision BIGINT NOT NULL,
    terms_json TEXT NOT NULL,
    reason TEXT NOT NULL,
    confirmed_by BIGINT NOT NULL,
    confirmed_by_name TEXT NOT NULL,
    role TEXT NOT NULL,
    confirmed_at BIGINT NOT NULL
);
CREATE INDEX portal_screening_confirmations_item ON portal_screening_confirmations(item_id, revision);

-- What a contributor last sent on a portal (P-11; Hậu Giang Art. 9.1), to fill his next
-- submission. The bank account and branch are sealed with the installation's secret key.
CREATE TABLE portal_contributor_profiles (
    user_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    full_name TEXT NOT NULL,
    title TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    bank_sealed TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, portal_id)
);

-- Each contributor's submission as it was sent: who, how to pay him (sealed), and his unit head's
-- approval. Append-only.
CREATE TABLE portal_contributions (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES portal_items(id),
    revision BIGINT NOT NULL,
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    user_id BIGINT NOT NULL,
    full_name TEXT NOT NULL,
    title TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    bank_sealed TEXT NOT NULL,
    head_name TEXT NOT NULL,
    head_title TEXT NOT NULL,
    head_approved_on TEXT NOT NULL,
    head_approval_file TEXT NOT NULL DEFAULT '',
    submitted_at BIGINT NOT NULL
);
CREATE INDEX portal_contributions_item ON portal_contributions(item_id, id);

-- The royalty table (P-17): an amount in đồng per kind and grade, per portal, in force from a
-- time. A change adds a row; the rows in force at a publication decide its amount.
CREATE TABLE portal_royalty_rates (
    id INTEGER PRIMARY KEY,
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    kind TEXT NOT NULL,
    grade TEXT NOT NULL,
    amount BIGINT NOT NULL,
    valid_from BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX portal_royalty_rates_lookup ON portal_royalty_rates(portal_id, kind, grade, valid_from);

-- Royalties due (P-17): at most one per item, arising on its first publication, in the quarter of
-- that publication (the portal's zone).
CREATE TABLE portal_royalties (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL UNIQUE REFERENCES portal_items(id),
    portal_id BIGINT NOT NULL REFERENCES portal_portals(id),
    payee_user_id BIGINT NOT NULL,
    payee_name TEXT NOT NULL,
    contribution_id BIGINT,
    kind TEXT NOT NULL,
    grade TEXT NOT NULL,
    amount BIGINT NOT NULL,
    rate_id BIGINT,
    title TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    quarter TEXT NOT NULL
);
CREATE INDEX portal_royalties_quarter ON portal_royalties(portal_id, quarter);
