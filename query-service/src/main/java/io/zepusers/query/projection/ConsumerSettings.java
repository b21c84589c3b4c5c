package io.zepusers.query.projection;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the projections read from.
 *
 * @param bootstrapServers the Kafka cluster
 * @param topic the event topic
 * @param groupId the consumer group; instances of query-service share the partitions
 * @param deadLetterTopic where records go that cannot be decoded or applied, with the reason
 * @param maxPollRecords the most records applied in one database transaction
 */
@ConfigurationProperties("zep.kafka")
public record ConsumerSettings(
    String bootstrapServers,
    String topic,
    String groupId,
    String deadLetterTopic,
    int maxPollRecords) {}
