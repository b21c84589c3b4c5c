-- An applied event's claim on its place in its stream is its row in the audit trail: the trail already has one row
-- per applied (aggregate_id, sequence), unique, so the fingerprint moves there and applied_events, which repeated
-- that key for every row, goes. A batch then copies one row and one index entry fewer per event.
ALTER TABLE audit_events ADD COLUMN fingerprint BYTEA; -- NULL: applied before fingerprints were kept
UPDATE audit_events a SET fingerprint = e.fingerprint
  FROM applied_events e
  WHERE e.aggregate_id = a.aggregate_id AND e.sequence = a.sequence AND e.fingerprint IS NOT NULL;
DROP TABLE applied_events;
