-- Events in the store carry the contract's stable type names (as on Kafka), not Java class names, so that a
-- rename of the classes cannot strand stored events. Rows an older instance writes during a rolling deploy are
-- read through LegacyEventTypes, an upcaster.
UPDATE domainevententry SET payloadtype = CASE payloadtype
    WHEN 'io.zepusers.events.UserCreated' THEN 'user.created'
    WHEN 'io.zepusers.events.UserUpdated' THEN 'user.updated'
    WHEN 'io.zepusers.events.UserDeleted' THEN 'user.deleted'
    WHEN 'io.zepusers.events.SessionCreated' THEN 'session.created'
    WHEN 'io.zepusers.events.SessionUpdated' THEN 'session.updated'
    WHEN 'io.zepusers.events.SessionDeleted' THEN 'session.deleted'
  END
WHERE payloadtype LIKE 'io.zepusers.events.%';
