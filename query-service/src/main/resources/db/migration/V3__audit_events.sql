-- The audit trail: every event, with who and which request caused it, in the order it was consumed. All events
-- about one user share a Kafka partition (the key is the user id), so "position" orders a user's history exactly.
CREATE TABLE audit_events (
  position       BIGSERIAL   PRIMARY KEY,
  subject        TEXT        NOT NULL,    -- the user the event is about (for a session without a user, its id)
  aggregate_id   TEXT        NOT NULL,
  sequence       BIGINT      NOT NULL,
  event_id       TEXT        NOT NULL,
  type           TEXT        NOT NULL,
  time           TIMESTAMPTZ NOT NULL,
  data           JSONB       NOT NULL,
  correlation_id TEXT,
  actor          TEXT,
  erased         BOOLEAN     NOT NULL DEFAULT false,   -- personal data removed after the user was deleted
  UNIQUE (aggregate_id, sequence)
);
CREATE INDEX audit_events_subject_idx ON audit_events (subject, position);
