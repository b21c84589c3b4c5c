-- Generations of the event topic (see TopicGenerations). Exactly one is current: the publisher writes new events
-- there. One at a time is built: the whole event store, republished in store order, and then every new event,
-- until it takes over (handover_index: the last event the builder wrote before the publisher moved to it).
CREATE TABLE topic_generations (
  generation     INTEGER     PRIMARY KEY,
  topic          TEXT        NOT NULL UNIQUE,
  state          TEXT        NOT NULL CHECK (state IN ('building', 'current', 'retired', 'failed')),
  builder        TEXT,
  events_written BIGINT      NOT NULL DEFAULT 0,
  position       BIGINT,
  handover_index BIGINT,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  current_since  TIMESTAMPTZ,
  ended_at       TIMESTAMPTZ,
  error          TEXT
);
CREATE UNIQUE INDEX topic_generations_one_current ON topic_generations (state) WHERE state = 'current';
CREATE UNIQUE INDEX topic_generations_one_building ON topic_generations (state) WHERE state = 'building';
