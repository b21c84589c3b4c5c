package io.zepusers.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Generations of the event topic. The topic is transport with a bounded retention; the event store
 * is the history. Republishing the store (for a rebuild, or to drop what a retention never dropped)
 * writes a new generation: the whole history in store order, then every new event. Generation 1 is
 * the configured topic itself ({@code zep.events}); generation {@code n > 1} is {@code
 * zep.events.g<n>}, with the same partitions and the same keys.
 *
 * <p>When a generation takes over, the old one gets one last record on each partition: a CloudEvent
 * of type {@value #ENDED_TYPE} (no key, no aggregate) whose data names the next topic. A subscriber
 * that reads it moves to the next topic, from its beginning, and skips what it applied before by
 * (aggregate id, sequence).
 */
public final class TopicGenerations {

  /** {@code ce_type} of the last record of each partition of a generation that was replaced. */
  public static final String ENDED_TYPE = "zep.topic.generation-ended";

  private TopicGenerations() {}

  public static String topic(String base, int generation) {
    if (generation < 1) {
      throw new IllegalArgumentException("generations start at 1: " + generation);
    }
    return generation == 1 ? base : base + ".g" + generation;
  }

  /**
   * The generation {@code topic} is of {@code base}, or empty when it is not one of its
   * generations.
   */
  public static Optional<Integer> generationOf(String base, String topic) {
    if (topic.equals(base)) {
      return Optional.of(1);
    }
    Matcher m = Pattern.compile(Pattern.quote(base) + "\\.g([1-9][0-9]{0,8})").matcher(topic);
    return m.matches()
        ? Optional.of(Integer.parseInt(m.group(1))).filter(g -> g > 1)
        : Optional.empty();
  }

  /** Every generation of {@code base}, for a pattern subscription. */
  public static Pattern pattern(String base) {
    return Pattern.compile(Pattern.quote(base) + "(\\.g[1-9][0-9]{0,8})?");
  }

  /**
   * The marker that ends {@code partition} of {@code endedTopic}: the history goes on in {@code
   * nextTopic}.
   */
  public static ProducerRecord<String, byte[]> endedRecord(
      String endedTopic, int partition, int nextGeneration, String nextTopic) {
    Headers headers = new RecordHeaders();
    put(headers, CloudEventsKafka.SPEC_VERSION, "1.0");
    put(headers, CloudEventsKafka.ID, UUID.randomUUID().toString());
    put(headers, CloudEventsKafka.SOURCE, CloudEventsKafka.SOURCE_VALUE);
    put(headers, CloudEventsKafka.TYPE, ENDED_TYPE);
    put(headers, CloudEventsKafka.TIME, Instant.now().toString());
    put(headers, CloudEventsKafka.CONTENT_TYPE, "application/json");
    byte[] data =
        ("{\"next_generation\":" + nextGeneration + ",\"next_topic\":\"" + nextTopic + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(endedTopic, partition, null, (String) null, data, headers);
  }

  /** True when {@code record} is the marker that ends its partition's generation. */
  public static boolean isEnded(ConsumerRecord<?, ?> record) {
    Header type = record.headers().lastHeader(CloudEventsKafka.TYPE);
    return type != null
        && type.value() != null
        && ENDED_TYPE.equals(new String(type.value(), StandardCharsets.UTF_8));
  }

  /** The next topic a marker names. */
  public static String nextTopic(ConsumerRecord<?, byte[]> record) {
    String json = new String(record.value(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"next_topic\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    if (!m.find()) {
      throw new CloudEventsKafka.UndecodableRecordException(
          "a " + ENDED_TYPE + " record without next_topic");
    }
    return m.group(1);
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
