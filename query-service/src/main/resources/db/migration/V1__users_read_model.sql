-- The users read model: a pure function of the event stream (rebuilding it gives the same answers).
CREATE TABLE users (
  user_id    TEXT        PRIMARY KEY,
  id         BIGINT      NOT NULL UNIQUE,   -- Zep's paging id, decided on the command side; keyset paging uses this index
  uuid       UUID        NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  email      TEXT,
  first_name TEXT,
  last_name  TEXT,
  metadata   JSONB
);

-- Idempotency: the last event sequence applied per event stream. A redelivered event (at-least-once publishing,
-- a re-publish) has a sequence at or below it and changes nothing.
CREATE TABLE applied_sequences (
  aggregate_id  TEXT   PRIMARY KEY,
  last_sequence BIGINT NOT NULL
);

-- Where the projection is in each partition, committed in the same transaction as the read-model change.
CREATE TABLE consumer_positions (
  topic       TEXT    NOT NULL,
  partition   INTEGER NOT NULL,
  next_offset BIGINT  NOT NULL,
  PRIMARY KEY (topic, partition)
);
