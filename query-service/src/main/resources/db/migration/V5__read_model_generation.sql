-- Which generation of the event topic the read models are built from (see TopicGenerations). Every live batch reads
-- it FOR SHARE in its transaction; a rebuild holds it FOR UPDATE from the moment the new generation takes over until
-- the rebuilt tables are in place, so no instance applies anything in between, and afterwards each applies the new
-- generation from the positions the rebuilt tables carry.
CREATE TABLE read_model_generation (
  singleton  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
  generation INTEGER NOT NULL,
  topic      TEXT    NOT NULL
);
