-- The search indexes take each published item at once instead of through GIN's pending list:
-- with `fastupdate` on, up to `gin_pending_list_limit` (4 MB) of entries wait unsorted and every
-- search reads all of them, which was a large part of a search's time at 100 000 items
-- (docs/performance.md). Items are published one at a time, so the slower insert costs little;
-- what is already pending is merged now.
ALTER INDEX portal_public_exact SET (fastupdate = off);
ALTER INDEX portal_public_folded SET (fastupdate = off);
SELECT gin_clean_pending_list('portal_public_exact'::regclass);
SELECT gin_clean_pending_list('portal_public_folded'::regclass);
