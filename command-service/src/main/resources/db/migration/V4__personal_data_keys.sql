-- One key per user incarnation. Personal data in the event store is encrypted with it; deleting the user deletes
-- the key ("crypto-shredding"), which erases that data from the immutable history for good.
CREATE TABLE personal_data_keys (
  user_id TEXT  PRIMARY KEY,
  key_id  UUID  NOT NULL UNIQUE,
  secret  BYTEA NOT NULL
);
