package io.zepusers.query.consistency;

import io.zepusers.query.projection.ConsumerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The current end of a generation of the event topic: what a read must wait for to include every
 * write acknowledged before it.
 *
 * <p>Reads share lookups. A read may use any answer to a {@code ListOffsets} request sent after it
 * began (that answer includes every record acknowledged before the read began), so while one
 * request is in the air, every read that begins waits for the next one, which is sent as soon as
 * the first is answered. Under load that is one round trip to the broker per batch of readers
 * instead of one per read, and no read waits for more than two.
 */
@Component
class TopicEnds implements DisposableBean {

  private static final long PARTITION_COUNT_TTL_NANOS = Duration.ofSeconds(30).toNanos();

  private final ConsumerSettings settings;
  private final Admin admin;
  private volatile int partitions;
  private volatile long partitionsReadAt;

  private final Object lookups = new Object();

  /** The request in the air and when it was sent; null when none is. */
  private CompletableFuture<Map<Integer, Long>> inFlight;

  private String inFlightTopic;
  private long inFlightSentAt;

  /**
   * The request the reads that began while {@link #inFlight} was in the air wait for; null when
   * none does.
   */
  private CompletableFuture<Map<Integer, Long>> next;

  TopicEnds(ConsumerSettings settings) {
    this.settings = settings;
    this.admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()));
  }

  /** End offsets of every partition, as of a moment after this call began. */
  public Map<Integer, Long> all(String topic, Duration timeout)
      throws InterruptedException, TimeoutException {
    long began = System.nanoTime();
    int count = partitionCount(timeout);
    try {
      return endsSentAfter(topic, began, count).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the end of " + topic + ": " + e.getCause().getMessage(), e);
    }
  }

  /** End offset of the partition Kafka's default partitioner puts {@code key} on. */
  public Map<Integer, Long> ofKey(String topic, String key, Duration timeout)
      throws InterruptedException, TimeoutException {
    Map<Integer, Long> ends = all(topic, timeout);
    int partition =
        Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % ends.size();
    return Map.of(partition, ends.get(partition));
  }

  private CompletableFuture<Map<Integer, Long>> endsSentAfter(
      String topic, long began, int partitionCount) {
    synchronized (lookups) {
      if (inFlight != null && !inFlightTopic.equals(topic)) {
        // the read models have just moved to another generation: this read does not share
        CompletableFuture<Map<Integer, Long>> own = new CompletableFuture<>();
        request(topic, partitionCount)
            .whenComplete((ends, failure) -> complete(own, ends, failure));
        return own;
      }
      if (inFlight != null && inFlightSentAt - began >= 0) {
        return inFlight;
      }
      if (inFlight == null) {
        return send(new CompletableFuture<>(), topic, partitionCount);
      }
      if (next == null) {
        next = new CompletableFuture<>();
      }
      return next;
    }
  }

  /** Sends one request for every partition's end; holding {@link #lookups}. */
  private CompletableFuture<Map<Integer, Long>> send(
      CompletableFuture<Map<Integer, Long>> answer, String topic, int partitionCount) {
    inFlight = answer;
    inFlightTopic = topic;
    inFlightSentAt = System.nanoTime();
    request(topic, partitionCount)
        .whenComplete(
            (ends, failure) -> {
              synchronized (lookups) {
                inFlight = null;
                if (next != null) {
                  CompletableFuture<Map<Integer, Long>> waiting = next;
                  next = null;
                  send(waiting, topic, partitions);
                }
              }
              complete(answer, ends, failure);
            });
    return answer;
  }

  private KafkaFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> request(
      String topic, int partitionCount) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitionCount; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return admin.listOffsets(request).all();
  }

  private static void complete(
      CompletableFuture<Map<Integer, Long>> answer,
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends,
      Throwable failure) {
    if (failure != null) {
      answer.completeExceptionally(failure);
    } else {
      Map<Integer, Long> result = new HashMap<>();
      ends.forEach((tp, info) -> result.put(tp.partition(), info.offset()));
      answer.complete(result);
    }
  }

  private int partitionCount(Duration timeout) throws InterruptedException, TimeoutException {
    long now = System.nanoTime();
    if (partitions == 0 || now - partitionsReadAt > PARTITION_COUNT_TTL_NANOS) {
      try {
        partitions =
            admin
                .describeTopics(Set.of(settings.topic()))
                .allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(settings.topic())
                .partitions()
                .size();
        partitionsReadAt = now;
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "cannot describe " + settings.topic() + ": " + e.getCause().getMessage(), e);
      }
    }
    return partitions;
  }

  @Override
  public void destroy() {
    admin.close(Duration.ofSeconds(5));
  }
}
