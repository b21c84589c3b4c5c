CREATE SEQUENCE session_paging_id_seq START WITH 1 INCREMENT BY 1 NO CYCLE;

-- The command side's own lookup tables, written by a subscribing event handler in the same transaction as the
-- events they are derived from (so they are never behind the event store, and are not a read model). They let a
-- command check a rule that spans aggregates with row locks: "a session's user exists", "deleting a user deletes
-- all of its sessions", correct under concurrent creates and deletes.
CREATE TABLE user_directory (
  user_id TEXT    PRIMARY KEY,
  active  BOOLEAN NOT NULL
);

CREATE TABLE session_directory (
  session_id TEXT    PRIMARY KEY,
  user_id    TEXT,
  removed    BOOLEAN NOT NULL   -- gone with its user: the id may be used again
);
CREATE INDEX session_directory_user_idx ON session_directory (user_id) WHERE NOT removed;
