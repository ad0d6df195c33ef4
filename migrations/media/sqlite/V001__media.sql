-- Uploads and media (P-2, P-3, P-12). The bytes live on disk, content-addressed by SHA-256 under
-- the media folder (--media-dir), never in the database; these tables say what they are and who
-- uploaded them. Times are UTC milliseconds (BIGINT). Nothing here is deleted by the application.

-- One row per stored file (its digest), shared by every upload of the same bytes.
CREATE TABLE media_files (
    sha256 TEXT PRIMARY KEY,             -- digest of the stored bytes (an image: its cleaned original)
    source_sha256 TEXT NOT NULL,         -- digest of the bytes as uploaded (known bytes are not processed again)
    kind TEXT NOT NULL,                  -- image | audio | video | document
    mime TEXT NOT NULL,                  -- detected from the content, as served
    size BIGINT NOT NULL,
    width INTEGER NOT NULL DEFAULT 0,    -- images, upright
    height INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX media_files_source ON media_files(source_sha256);

-- Resized copies of images, stored content-addressed like the originals.
CREATE TABLE media_variants (
    file_sha256 TEXT NOT NULL REFERENCES media_files(sha256),
    width INTEGER NOT NULL,              -- 320 | 640 | 1024 | 1600, never wider than the original
    format TEXT NOT NULL,                -- webp | jpg
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (file_sha256, width, format)
);

-- One row per upload: who, for which unit and purpose, under which name.
CREATE TABLE media_uploads (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES media_files(sha256),
    filename TEXT NOT NULL,              -- sanitised, for display and Content-Disposition
    purpose TEXT NOT NULL,               -- owner module and use, 'portal.article'
    unit_id BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL,         -- user id, 0 for the operator
    uploaded_at BIGINT NOT NULL,
    is_public INTEGER NOT NULL DEFAULT 1 -- the owner module's hook: 0 stops serving unless another upload is public
);
CREATE INDEX media_uploads_file ON media_uploads(sha256, is_public);
