-- A session's event stream is "session:<session_id>", so that it is never the stream of a user with the same id
-- (before, a session named like a user loaded the user's events: a 500, and on the read side one of the two was
-- taken for a redelivery of the other). Streams stored before are renamed; their events keep sequence and identity.
UPDATE domainevententry SET aggregateidentifier = 'session:' || aggregateidentifier
WHERE type = 'SessionAggregate' AND aggregateidentifier NOT LIKE 'session:%';
UPDATE snapshotevententry SET aggregateidentifier = 'session:' || aggregateidentifier
WHERE type = 'SessionAggregate' AND aggregateidentifier NOT LIKE 'session:%';
