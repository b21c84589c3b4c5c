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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The current end of the event topic: what a read must wait for to include every write acknowledged before it.
 *
 * <p>Reads share lookups. A read may use any answer to a {@code ListOffsets} request sent after it began (that
 * answer includes every record acknowledged before the read began), so while one request is in the air, every read
 * that begins waits for the next one, which is sent as soon as the first is answered. Under load that is one round
 * trip to the broker per batch of readers instead of one per read, and no read waits for more than two.
 */
@Component
public class TopicEnds implements DisposableBean {

  private static final long PARTITION_COUNT_TTL_NANOS = Duration.ofSeconds(30).toNanos();

  private final ConsumerSettings settings;
  private final Admin admin;
  private volatile int partitions;
  private volatile long partitionsReadAt;

  private final Object lookups = new Object();
  /** The request in the air and when it was sent; null when none is. */
  private CompletableFuture<Map<Integer, Long>> inFlight;
  private long inFlightSentAt;
  /** The request the reads that began while {@link #inFlight} was in the air wait for; null when none does. */
  private CompletableFuture<Map<Integer, Long>> next;

  TopicEnds(ConsumerSettings settings) {
    this.settings = settings;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()));
  }

  /** End offsets of every partition, as of a moment after this call began. */
  public Map<Integer, Long> all(Duration timeout) throws InterruptedException, TimeoutException {
    long began = System.nanoTime();
    int count = partitionCount(timeout);
    try {
      return endsSentAfter(began, count).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the end of " + settings.topic() + ": " + e.getCause().getMessage(), e);
    }
  }

  /** End offset of the partition Kafka's default partitioner puts {@code key} on. */
  public Map<Integer, Long> ofKey(String key, Duration timeout) throws InterruptedException, TimeoutException {
    Map<Integer, Long> ends = all(timeout);
    int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % ends.size();
    return Map.of(partition, ends.get(partition));
  }

  private CompletableFuture<Map<Integer, Long>> endsSentAfter(long began, int partitionCount) {
    synchronized (lookups) {
      if (inFlight != null && inFlightSentAt - began >= 0) {
        return inFlight;
      }
      if (inFlight == null) {
        return send(new CompletableFuture<>(), partitionCount);
      }
      if (next == null) {
        next = new CompletableFuture<>();
      }
      return next;
    }
  }

  /** Sends one request for every partition's end; holding {@link #lookups}. */
  private CompletableFuture<Map<Integer, Long>> send(CompletableFuture<Map<Integer, Long>> answer, int partitionCount) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitionCount; p++) {
      request.put(new TopicPartition(settings.topic(), p), OffsetSpec.latest());
    }
    inFlight = answer;
    inFlightSentAt = System.nanoTime();
    admin.listOffsets(request).all().whenComplete((ends, failure) -> {
      synchronized (lookups) {
        inFlight = null;
        if (next != null) {
          CompletableFuture<Map<Integer, Long>> waiting = next;
          next = null;
          send(waiting, partitions);
        }
      }
      if (failure != null) {
        answer.completeExceptionally(failure);
      } else {
        Map<Integer, Long> result = new HashMap<>();
        ends.forEach((tp, info) -> result.put(tp.partition(), info.offset()));
        answer.complete(result);
      }
    });
    return answer;
  }

  private int partitionCount(Duration timeout) throws InterruptedException, TimeoutException {
    long now = System.nanoTime();
    if (partitions == 0 || now - partitionsReadAt > PARTITION_COUNT_TTL_NANOS) {
      try {
        partitions =
            admin.describeTopics(Set.of(settings.topic())).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(settings.topic()).partitions().size();
        partitionsReadAt = now;
      } catch (ExecutionException e) {
        throw new IllegalStateException("cannot describe " + settings.topic() + ": " + e.getCause().getMessage(), e);
      }
    }
    return partitions;
  }

  @Override
  public void destroy() {
    admin.close(Duration.ofSeconds(5));
  }
}
