package io.zepusers.command.publish;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where events are published.
 *
 * @param bootstrapServers the Kafka cluster
 * @param topic the topic every event goes to (key: user id)
 * @param partitions partitions of the topic when this service creates it
 * @param replicationFactor replication of the topic when this service creates it
 * @param ackTimeout how long a publishing batch waits for the broker's acknowledgement before it is retried
 */
@ConfigurationProperties("zep.kafka")
public record KafkaSettings(
    String bootstrapServers, String topic, int partitions, short replicationFactor, Duration ackTimeout) {}
