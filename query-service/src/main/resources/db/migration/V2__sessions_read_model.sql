CREATE TABLE sessions (
  session_id TEXT        PRIMARY KEY,
  id         BIGINT      NOT NULL UNIQUE,
  uuid       UUID        NOT NULL,
  user_id    TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  metadata   JSONB
);
-- a user's sessions, in creation order
CREATE INDEX sessions_user_idx ON sessions (user_id, id);
