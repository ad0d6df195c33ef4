-- One integrated item per original on the main portal (P-1): two integrations at once meet here.
CREATE UNIQUE INDEX portal_items_one_copy ON portal_items(integrated_from)
    WHERE integrated_from IS NOT NULL AND state <> 'withdrawn';
