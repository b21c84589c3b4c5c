package io.zepusers.query.projection;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the projections read from.
 *
 * @param bootstrapServers the Kafka cluster
 * @param topic the event topic
 * @param groupId the consumer group; instances of query-service share the partitions
 * @param deadLetterTopic where records go that cannot be decoded or applied, with the reason
 * @param maxPollRecords the most records applied in one database transaction
 * @param offsetCommitInterval how often the live consumer commits its offsets to Kafka, where they
 *     only show the lag to monitoring (the read models keep their positions themselves)
 */
@ConfigurationProperties("zep.kafka")
public record ConsumerSettings(
    String bootstrapServers,
    String topic,
    String groupId,
    String deadLetterTopic,
    int maxPollRecords,
    @DefaultValue("1s") Duration offsetCommitInterval) {

  /**
   * The configuration of a consumer of the event topic: {@code specific} on top of what every one
   * here needs. It reads only committed records (the publisher writes in transactions), and never
   * commits offsets on its own: the read models keep their positions in their own transactions.
   */
  public Map<String, Object> consumerConfig(Map<String, Object> specific) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putAll(specific);
    return config;
  }
}
