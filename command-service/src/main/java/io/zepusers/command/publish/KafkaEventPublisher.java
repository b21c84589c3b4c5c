package io.zepusers.command.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zepusers.command.consistency.PublicationTracker;
import io.zepusers.command.eventstore.ProcessingGroups;
import io.zepusers.command.provenance.Provenance;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.ZepEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;

/**
 * Publishes every stored event to Kafka, in event-store order, as a CloudEvent keyed by user id.
 *
 * <p>It is a tracking processor with one segment reading the event store, so its position (the
 * token, in {@code tokenentry}) is stored in the same transaction as a batch. A batch commits only
 * after the broker acknowledged all of its records; if that fails, the batch and its token roll
 * back and are retried. Delivery is therefore at least once, never lost, and projections are
 * idempotent on (aggregate id, sequence).
 */
@Component
@ProcessingGroup(ProcessingGroups.KAFKA_PUBLISHER)
public class KafkaEventPublisher {

  private static final String PENDING_ACKS = KafkaEventPublisher.class.getName() + ".pendingAcks";

  private final Producer<String, byte[]> producer;
  private final KafkaSettings settings;
  private final PublicationTracker tracker;
  private final UnpublishableEvents unpublishable;

  private final PublishedNotCommitted acknowledgedNotCommitted;
  private final Generations generations;
  private final Timer latency;

  KafkaEventPublisher(
      Producer<String, byte[]> producer,
      Generations generations,
      KafkaSettings settings,
      PublicationTracker tracker,
      UnpublishableEvents unpublishable,
      PublishedNotCommitted acknowledgedNotCommitted,
      MeterRegistry meters) {
    this.producer = producer;
    this.generations = generations;
    this.settings = settings;
    this.tracker = tracker;
    this.unpublishable = unpublishable;
    this.acknowledgedNotCommitted = acknowledgedNotCommitted;
    this.latency =
        Timer.builder("publish.latency")
            .description(
                "From an event's time (when it was decided and stored) to Kafka's acknowledgement of its record")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(1))
            .register(meters);
  }

  /** A stored event as the contract has it on Kafka. */
  public static PublishedEvent published(ZepEvent event, DomainEventMessage<?> message) {
    return new PublishedEvent(
        message.getIdentifier(),
        event.occurredAt(),
        message.getAggregateIdentifier(),
        message.getSequenceNumber(),
        event,
        text(message.getMetaData().get(Provenance.CORRELATION_ID)),
        text(message.getMetaData().get(Provenance.ACTOR)));
  }

  @EventHandler
  void on(ZepEvent event, DomainEventMessage<?> message) {
    PublishedEvent published = published(event, message);
    Object traceId = message.getMetaData().get("traceId");
    Batch batch = batch();
    RecordMetadata landedBefore =
        acknowledgedNotCommitted.get(published.id(), batch.generation().topic());
    Future<RecordMetadata> ack =
        landedBefore != null
            ? CompletableFuture.completedFuture(landedBefore)
            : producer.send(CloudEventsKafka.toRecord(batch.generation().topic(), published));
    batch.acks().add(new PendingAck(traceId == null ? null : traceId.toString(), published, ack));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  /**
   * The batch's generation and acknowledgements. The generation is read once per batch, in the
   * batch's transaction: a generation takes over only while no event can be stored and after this
   * publisher has passed every stored one (see {@link GenerationBuilder#takeOver}), so a batch's
   * events all belong to the generation it read.
   */
  private Batch batch() {
    UnitOfWork<?> uow = CurrentUnitOfWork.get();
    return uow.getOrComputeResource(
        PENDING_ACKS,
        key -> {
          Batch batch = new Batch(generations.current(), new ArrayList<>());
          uow.onPrepareCommit(u -> awaitAll(batch));
          uow.afterCommit(
              u -> batch.acks().forEach(a -> acknowledgedNotCommitted.committed(a.event().id())));
          return batch;
        });
  }

  /**
   * Waits for every record of the batch. A record Kafka refuses for good (too large for the topic)
   * is recorded as unpublishable and passed over, so that it cannot stop publishing for everyone;
   * any other failure (the broker is away, a timeout) fails the batch, which is retried with
   * backoff until Kafka takes it.
   */
  private void awaitAll(Batch batch) {
    List<PendingAck> acks = batch.acks();
    long deadline = System.nanoTime() + settings.ackTimeout().toNanos();
    try {
      for (PendingAck pending : acks) {
        try {
          RecordMetadata landed =
              pending.ack().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          latency.record(
              Math.max(0, System.currentTimeMillis() - pending.event().time().toEpochMilli()),
              TimeUnit.MILLISECONDS);
          acknowledgedNotCommitted.acknowledged(pending.event().id(), landed);
          if (pending.traceId() != null) {
            tracker.published(
                pending.traceId(),
                pending.event().id(),
                batch.generation().number(),
                landed.partition(),
                landed.offset());
          }
        } catch (ExecutionException e) {
          if (!UnpublishableEvents.refusedForGood(e.getCause())) {
            throw e;
          }
          unpublishable.record(pending.event(), e.getCause());
          if (pending.traceId() != null) {
            tracker.settled(pending.traceId(), pending.event().id());
          }
        }
      }
    } catch (ExecutionException e) {
      throw new KafkaPublishException(
          "Kafka did not acknowledge an event: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaPublishException(
          "Kafka did not acknowledge within " + settings.ackTimeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaPublishException("interrupted while waiting for Kafka", e);
    }
  }

  private record Batch(Generations.Generation generation, List<PendingAck> acks) {}

  private record PendingAck(String traceId, PublishedEvent event, Future<RecordMetadata> ack) {}

  static final class KafkaPublishException extends RuntimeException {
    KafkaPublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
