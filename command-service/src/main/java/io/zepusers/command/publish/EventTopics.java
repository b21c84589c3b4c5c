package io.zepusers.command.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates the event topic's generations with the configured partitions, record size and retention,
 * and brings a topic made elsewhere to those settings: a smaller record limit would make the broker
 * refuse whole batches (innocent records with them), and an unbounded retention would keep deleted
 * users' personal data on Kafka forever.
 *
 * <p>Records are stamped with the time the broker appended them ({@code
 * message.timestamp.type=LogAppendTime}), and retention counts from that. A record's own timestamp
 * is its event's time, which for a generation built from the store is often older than the
 * retention: with the default {@code CreateTime} the broker deleted those records as soon as their
 * segment closed, while the generation was still being read (a 1,000,000-event rebuild lost 1,749
 * events that way). The event's time stays in the {@code ce_time} header.
 */
@Component
class EventTopics {

  private static final Logger log = LoggerFactory.getLogger(EventTopics.class);

  private static final String APPEND_TIME = "LogAppendTime";

  private final KafkaSettings settings;

  EventTopics(KafkaSettings settings) {
    this.settings = settings;
  }

  public void ensure(String topic) {
    withAdmin(
        "create topic " + topic,
        TopicExistsException.class,
        admin -> {
          Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
          if (existing.contains(topic)) {
            alignConfig(admin, topic);
            return;
          }
          NewTopic created =
              new NewTopic(topic, settings.partitions(), settings.replicationFactor())
                  .configs(
                      Map.of(
                          TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                          Integer.toString(settings.maxRecordBytes()),
                          TopicConfig.RETENTION_MS_CONFIG,
                          Long.toString(settings.retention().toMillis()),
                          TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                          APPEND_TIME));
          admin.createTopics(List.of(created)).all().get(60, TimeUnit.SECONDS);
          log.info(
              "created topic {} with {} partitions, records kept {}",
              topic,
              settings.partitions(),
              settings.retention());
        });
  }

  /**
   * Waits until every partition of {@code topic} answers for its leader (a {@code ListOffsets}
   * request). A topic the broker has just created may still refuse writes ({@code
   * NOT_LEADER_OR_FOLLOWER}), and an idempotent producer that meets that on its first batches can
   * end up retrying out-of-order sequence numbers for ever.
   */
  public void awaitLeaders(String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          int partitions =
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get(10, TimeUnit.SECONDS)
                  .get(topic)
                  .partitions()
                  .size();
          Map<TopicPartition, OffsetSpec> request = new HashMap<>();
          for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
          }
          admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "the partitions of "
                    + topic
                    + " have no leader after "
                    + timeout.toSeconds()
                    + " s",
                e);
          }
          TimeUnit.MILLISECONDS.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + topic, e);
    }
  }

  /**
   * Deletes a generation that was abandoned before it took over; a topic that is not there is fine.
   */
  public void delete(String topic) {
    withAdmin(
        "delete topic " + topic,
        UnknownTopicOrPartitionException.class,
        admin -> {
          admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
          log.info("deleted topic {}", topic);
        });
  }

  /** Work with the broker's Admin API, which answers through futures. */
  private interface AdminWork {
    void run(Admin admin) throws ExecutionException, InterruptedException, TimeoutException;
  }

  /**
   * Does {@code work} with a short-lived Admin client. A failure caused by {@code harmless} (the
   * topic is already there, or already gone) is none; any other names {@code what} was tried.
   */
  private void withAdmin(String what, Class<? extends Exception> harmless, AdminWork work) {
    try (Admin admin = admin()) {
      work.run(admin);
    } catch (ExecutionException e) {
      if (!harmless.isInstance(e.getCause())) {
        throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at " + settings.bootstrapServers() + " did not answer within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()));
  }

  private void alignConfig(Admin admin, String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        admin.describeConfigs(List.of(resource)).all().get(60, TimeUnit.SECONDS).get(resource);
    ConfigEntry size = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    ConfigEntry retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
    String wantedRetention = Long.toString(settings.retention().toMillis());
    List<AlterConfigOp> changes = new ArrayList<>();
    if (size == null
        || size.value() == null
        || Integer.parseInt(size.value()) < settings.maxRecordBytes()) {
      changes.add(
          set(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(settings.maxRecordBytes())));
      log.warn(
          "topic {} took records of at most {} bytes; raised to {} to match the producer",
          topic,
          size == null ? "?" : size.value(),
          settings.maxRecordBytes());
    }
    if (retention == null || !wantedRetention.equals(retention.value())) {
      changes.add(set(TopicConfig.RETENTION_MS_CONFIG, wantedRetention));
      log.warn(
          "topic {} kept records for {} ms; set to {} (zep.kafka.retention)",
          topic,
          retention == null ? "?" : retention.value(),
          wantedRetention);
    }
    ConfigEntry timestamps = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
    if (timestamps == null || !APPEND_TIME.equals(timestamps.value())) {
      changes.add(set(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, APPEND_TIME));
      log.warn(
          "topic {} kept records by their own timestamps ({}); set to {}, so that retention counts from when a record was written",
          topic,
          timestamps == null ? "?" : timestamps.value(),
          APPEND_TIME);
    }
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(Map.of(resource, changes)).all().get(60, TimeUnit.SECONDS);
    }
  }

  private static AlterConfigOp set(String name, String value) {
    return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
  }
}
