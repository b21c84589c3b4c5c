package io.zepusers.query.consistency;

import io.zepusers.query.projection.ConsumerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** The current end of the event topic: what a read must wait for to include every write acknowledged before it. */
@Component
public class TopicEnds implements DisposableBean {

  private static final long PARTITION_COUNT_TTL_NANOS = Duration.ofSeconds(30).toNanos();

  private final ConsumerSettings settings;
  private final Admin admin;
  private volatile int partitions;
  private volatile long partitionsReadAt;

  TopicEnds(ConsumerSettings settings) {
    this.settings = settings;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()));
  }

  /** End offsets of every partition. */
  public Map<Integer, Long> all(Duration timeout) throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitionCount(timeout); p++) {
      request.put(new TopicPartition(settings.topic(), p), OffsetSpec.latest());
    }
    return endOffsets(request, timeout);
  }

  /** End offset of the partition Kafka's default partitioner puts {@code key} on. */
  public Map<Integer, Long> ofKey(String key, Duration timeout) throws InterruptedException, TimeoutException {
    int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitionCount(timeout);
    return endOffsets(Map.of(new TopicPartition(settings.topic(), partition), OffsetSpec.latest()), timeout);
  }

  private Map<Integer, Long> endOffsets(Map<TopicPartition, OffsetSpec> request, Duration timeout)
      throws InterruptedException, TimeoutException {
    try {
      Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<Integer, Long> result = new HashMap<>();
      ends.forEach((tp, info) -> result.put(tp.partition(), info.offset()));
      return result;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the end of " + settings.topic() + ": " + e.getCause().getMessage(), e);
    }
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
