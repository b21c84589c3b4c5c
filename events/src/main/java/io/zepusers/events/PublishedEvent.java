package io.zepusers.events;

import java.time.Instant;

/**
 * An event as it travels on Kafka: the event plus its CloudEvents context.
 *
 * @param id the event id, unique per event and stable across re-publishing (CloudEvents {@code id})
 * @param time when the event happened (CloudEvents {@code time})
 * @param aggregateId the event stream it belongs to ({@code user_id} for user events)
 * @param sequence its position in that stream, from 0; a redelivered event has the same
 *     (aggregateId, sequence)
 * @param data the event itself; its {@link ZepEvent#subject()} is the record key
 * @param correlationId the request that caused it: the caller's {@code X-Correlation-Id}, or one
 *     made up for it
 * @param actor who caused it, when the caller was authenticated; otherwise null
 */
public record PublishedEvent(
    String id,
    Instant time,
    String aggregateId,
    long sequence,
    ZepEvent data,
    String correlationId,
    String actor) {

  public PublishedEvent(String id, Instant time, String aggregateId, long sequence, ZepEvent data) {
    this(id, time, aggregateId, sequence, data, null, null);
  }

  public String type() {
    return EventTypes.nameOf(data);
  }

  public String subject() {
    return data.subject();
  }
}
