package io.zepusers.events;

import java.time.Instant;

/** An event of this service, as stored and as published. */
public interface ZepEvent {

  /** The user the event is about: the Kafka record key and the CloudEvents {@code subject}. */
  String subject();

  /**
   * When it happened: the {@code created_at}, {@code updated_at} or {@code deleted_at} it carries.
   * The CloudEvents {@code time} of its record and the time auditors see.
   */
  Instant occurredAt();
}
