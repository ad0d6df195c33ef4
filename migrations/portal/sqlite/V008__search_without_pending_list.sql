-- The search index merged into one b-tree per term (FTS5 'optimize'), as the PostgreSQL side
-- turns off its pending list in the same version: the segments left by publishing item after
-- item are read by every query until FTS5 merges them itself.
INSERT INTO portal_search(portal_search) VALUES ('optimize');
