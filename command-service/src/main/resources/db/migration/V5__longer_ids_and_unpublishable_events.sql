-- Ids may be up to 1,000 characters (2,000 bytes in UTF-8, inside a btree entry's 2,704): VARCHAR(255) refused
-- longer ones with a 500. varchar -> text is binary-compatible in PostgreSQL: no table rewrite, no index rebuild.
ALTER TABLE domainevententry ALTER COLUMN aggregateidentifier TYPE TEXT;
ALTER TABLE snapshotevententry ALTER COLUMN aggregateidentifier TYPE TEXT;

-- Events Kafka refused for good (a record over the topic's size limit, stored before the API limited sizes). The
-- publisher records them here and goes on, so that one event can never stop publishing for everyone; an operator
-- sees them in this table, in the log and in the metric publisher.unpublishable.
CREATE TABLE unpublishable_events (
  event_id     TEXT        PRIMARY KEY,
  aggregate_id TEXT        NOT NULL,
  sequence     BIGINT      NOT NULL,
  reason       TEXT        NOT NULL,
  recorded_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
