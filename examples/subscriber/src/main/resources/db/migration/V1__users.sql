-- The subscriber's own copy of the users, and how far it has applied each event stream.
CREATE TABLE users (
  user_id    text PRIMARY KEY,
  uuid       uuid NOT NULL,
  email      text,
  first_name text,
  last_name  text,
  metadata   jsonb,
  updated_at timestamptz NOT NULL
);

-- One row per event stream (ce_aggregateid): the last sequence applied. It outlives a deleted user, so that a
-- redelivered or replayed event of the user cannot bring its data back.
CREATE TABLE applied_streams (
  aggregate_id  text PRIMARY KEY,
  last_sequence bigint NOT NULL
);
