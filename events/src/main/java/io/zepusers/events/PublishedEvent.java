package io.zepusers.events;

import java.time.Instant;

/**
 * An event as it travels on Kafka: the event plus its CloudEvents context.
 *
 * @param id the event id, unique per event and stable across re-publishing (CloudEvents {@code id})
 * @param time when the event happened (CloudEvents {@code time})
 * @param aggregateId the event stream it belongs to ({@code user_id} for user events)
 * @param sequence its position in that stream, from 0; a redelivered event has the same (aggregateId, sequence)
 * @param data the event itself; its {@link ZepEvent#subject()} is the record key
 */
public record PublishedEvent(String id, Instant time, String aggregateId, long sequence, ZepEvent data) {

  public String type() {
    return EventTypes.nameOf(data);
  }

  public String subject() {
    return data.subject();
  }
}
