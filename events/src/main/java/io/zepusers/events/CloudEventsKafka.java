package io.zepusers.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka record format: CloudEvents 1.0, Kafka protocol binding, binary content mode. The value
 * is the event's JSON, the key the user id, the attributes are {@code ce_*} headers. {@code
 * aggregateid} and {@code sequence} are extension attributes that make every record idempotently
 * applicable; {@code correlationid} and {@code actor} say which request, and whom, caused it
 * (absent when unknown).
 */
public final class CloudEventsKafka {

  public static final String SPEC_VERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String SUBJECT = "ce_subject";
  public static final String TIME = "ce_time";
  public static final String AGGREGATE_ID = "ce_aggregateid";
  public static final String SEQUENCE = "ce_sequence";
  public static final String CORRELATION_ID = "ce_correlationid";
  public static final String ACTOR = "ce_actor";
  public static final String CONTENT_TYPE = "content-type";

  public static final String SOURCE_VALUE = "/zep-users/command-service";

  private CloudEventsKafka() {}

  public static ProducerRecord<String, byte[]> toRecord(String topic, PublishedEvent event) {
    Headers headers = new RecordHeaders();
    put(headers, SPEC_VERSION, "1.0");
    put(headers, ID, event.id());
    put(headers, SOURCE, SOURCE_VALUE);
    put(headers, TYPE, event.type());
    put(headers, SUBJECT, event.subject());
    put(headers, TIME, Timestamps.format(event.time()));
    put(headers, AGGREGATE_ID, event.aggregateId());
    put(headers, SEQUENCE, Long.toString(event.sequence()));
    put(headers, CONTENT_TYPE, "application/json");
    if (event.correlationId() != null) {
      put(headers, CORRELATION_ID, event.correlationId());
    }
    if (event.actor() != null) {
      put(headers, ACTOR, event.actor());
    }
    return new ProducerRecord<>(
        topic,
        null,
        event.time().toEpochMilli(),
        event.subject(),
        EventJson.toBytes(event.data()),
        headers);
  }

  /**
   * Reads a record back.
   *
   * @throws UndecodableRecordException naming what is wrong, when the record is not one of ours
   */
  public static PublishedEvent fromRecord(ConsumerRecord<String, byte[]> record) {
    // one pass over the headers (the last of a name counts, as with lastHeader)
    String type = null;
    String id = null;
    String aggregateId = null;
    String sequenceText = null;
    String timeText = null;
    String correlationId = null;
    String actor = null;
    for (Header header : record.headers()) {
      switch (header.key()) {
        case TYPE -> type = text(header);
        case ID -> id = text(header);
        case AGGREGATE_ID -> aggregateId = text(header);
        case SEQUENCE -> sequenceText = text(header);
        case TIME -> timeText = text(header);
        case CORRELATION_ID -> correlationId = text(header);
        case ACTOR -> actor = text(header);
        default -> {
          // not one this reader needs
        }
      }
    }
    String eventType = required(type, TYPE);
    Class<? extends ZepEvent> dataClass =
        EventTypes.classOf(eventType)
            .orElseThrow(() -> new UndecodableRecordException("unknown ce_type " + eventType));
    required(id, ID);
    required(aggregateId, AGGREGATE_ID);
    long sequence;
    Instant time;
    try {
      sequence = Long.parseLong(required(sequenceText, SEQUENCE));
      time = Timestamps.parse(required(timeText, TIME));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new UndecodableRecordException("bad ce_sequence or ce_time: " + e.getMessage());
    }
    if (record.value() == null) {
      throw new UndecodableRecordException("record has no value");
    }
    ZepEvent data;
    try {
      data = EventJson.fromBytes(record.value(), dataClass);
    } catch (RuntimeException e) {
      throw new UndecodableRecordException(
          "data is not a valid " + eventType + ": " + e.getMessage());
    }
    return new PublishedEvent(id, time, aggregateId, sequence, data, correlationId, actor);
  }

  private static String text(Header header) {
    return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String required(String value, String name) {
    if (value == null) {
      throw new UndecodableRecordException("missing header " + name);
    }
    return value;
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A record that is not a valid event of this contract; it belongs on the dead-letter topic. */
  public static final class UndecodableRecordException extends RuntimeException {
    public UndecodableRecordException(String reason) {
      super(reason);
    }
  }
}
