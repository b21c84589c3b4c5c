package io.zepusers.command.publish;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where events are published.
 *
 * @param bootstrapServers the Kafka cluster
 * @param topic the topic every event goes to (key: user id)
 * @param partitions partitions of the topic when this service creates it
 * @param replicationFactor replication of the topic when this service creates it
 * @param ackTimeout how long a publishing batch waits for the broker's acknowledgement before it is
 *     retried
 * @param maxRecordBytes the largest record the producer sends, and the least {@code
 *     max.message.bytes} the topic gets: the API's limits keep every event well below it (default 1
 *     MiB, Kafka's own default)
 * @param retention how long the topic keeps a record ({@code retention.ms}, set on every generation
 *     this service creates or finds): the topic is transport, the event store is the history, so a
 *     deleted user's personal data leaves Kafka when this has passed (default 7 days)
 */
@ConfigurationProperties("zep.kafka")
record KafkaSettings(
    String bootstrapServers,
    String topic,
    int partitions,
    short replicationFactor,
    Duration ackTimeout,
    @DefaultValue("1048576") int maxRecordBytes,
    @DefaultValue("7d") Duration retention) {}
