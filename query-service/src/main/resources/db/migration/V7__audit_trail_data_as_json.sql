-- The trail keeps each event's data as json, not jsonb: it is written once, read back whole, and changed only when its
-- user is deleted. Parsing every copied row into jsonb was a third of what COPY cost per row without indexes (5.8 s
-- against 3.7 s for 500,000 trail rows, docs/performance.md). Every event also goes into the users' or sessions'
-- jsonb metadata in the same transaction, so what jsonb cannot hold (a NUL character, a number too long for numeric)
-- is still refused there, and the trail never holds data the erasure's cast to jsonb could not read.
ALTER TABLE audit_events ALTER COLUMN data TYPE json USING data::json;
