-- The text that search snippets are cut from, in a table of its own: lists read a row of
-- portal_public for every item they show, and with the body in the row (several kilobytes,
-- stored on overflow pages or out of line) reading the columns after it walked the body's
-- pages for every listed item. Only a search's page of hits reads it now, by item.
CREATE TABLE portal_public_text (
    item_id BIGINT PRIMARY KEY REFERENCES portal_public(item_id),
    body_text TEXT NOT NULL
);
INSERT INTO portal_public_text (item_id, body_text) SELECT item_id, body_text FROM portal_public;
ALTER TABLE portal_public DROP COLUMN body_text;
