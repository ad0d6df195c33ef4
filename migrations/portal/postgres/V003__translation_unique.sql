-- One translation per original and language (P-5): two created at once cannot both stay.
-- A withdrawn translation does not count, so a new one may replace it.
CREATE UNIQUE INDEX portal_items_one_translation ON portal_items(translation_of, language)
    WHERE translation_of IS NOT NULL AND state <> 'withdrawn';
