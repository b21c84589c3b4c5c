package io.zepusers.events;

/** An event of this service, as stored and as published. */
public interface ZepEvent {

  /** The user the event is about: the Kafka record key and the CloudEvents {@code subject}. */
  String subject();
}
