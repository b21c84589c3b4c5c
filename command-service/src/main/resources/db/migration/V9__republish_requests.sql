-- Republish requests. Any instance may be asked; only the one whose publisher holds the segment can move it back
-- to the start of the store, so the request waits here until that instance takes it (started_at). A republish is
-- running from its request until the publisher's stored token has passed target, the store's last global index when
-- it was asked.
CREATE TABLE republish_requests (
  id           BIGSERIAL   PRIMARY KEY,
  target       BIGINT      NOT NULL,
  requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  started_at   TIMESTAMPTZ
);
