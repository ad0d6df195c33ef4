-- Live events (core/events): a bounded, durable log that every node and process reads.
-- Delivery reads rows with id > the last one seen (woken by NOTIFY vp_events carrying the id);
-- a reconnecting browser replays the rows after its Last-Event-ID. Unlike the history tables
-- this one is pruned: it keeps the newest events only (EventLogSettings: a count and an age).
CREATE TABLE event_log (
    id BIGSERIAL PRIMARY KEY,
    topic TEXT NOT NULL,
    user_id BIGINT NOT NULL DEFAULT 0,              -- 0: everyone the topic's filter allows
    data_json TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX event_log_at ON event_log(at);
