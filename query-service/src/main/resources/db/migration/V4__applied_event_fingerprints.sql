-- Every applied event's place in its stream, with a fingerprint of its content (SHA-256 of the event id, its type
-- and its data without the personal fields a user's delete erases). A record claiming an applied place with another
-- fingerprint, or a skipped place below the last applied one, is a conflict: two different events claim one place.
CREATE TABLE applied_events (
  aggregate_id TEXT   NOT NULL,
  sequence     BIGINT NOT NULL,
  fingerprint  BYTEA,             -- NULL: applied before fingerprints were kept; a redelivery of it is skipped unchecked
  PRIMARY KEY (aggregate_id, sequence)
);

-- every event applied so far has its row in the audit trail
INSERT INTO applied_events (aggregate_id, sequence) SELECT aggregate_id, sequence FROM audit_events;
