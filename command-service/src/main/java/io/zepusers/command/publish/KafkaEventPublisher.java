package io.zepusers.command.publish;

import io.zepusers.command.consistency.PublicationTracker;
import io.zepusers.command.provenance.Provenance;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.ZepEvent;
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
 * <p>It is a tracking processor with one segment reading the event store, so its position (the token, in
 * {@code tokenentry}) is stored in the same transaction as a batch. A batch commits only after the broker
 * acknowledged all of its records; if that fails, the batch and its token roll back and are retried. Delivery is
 * therefore at least once, never lost, and projections are idempotent on (aggregate id, sequence).
 */
@Component
@ProcessingGroup(KafkaEventPublisher.PROCESSING_GROUP)
class KafkaEventPublisher {

  static final String PROCESSING_GROUP = "kafka-publisher";
  private static final String PENDING_ACKS = KafkaEventPublisher.class.getName() + ".pendingAcks";

  private final Producer<String, byte[]> producer;
  private final KafkaSettings settings;
  private final PublicationTracker tracker;
  private final UnpublishableEvents unpublishable;

  private final PublishedNotCommitted acknowledgedNotCommitted;

  KafkaEventPublisher(
      Producer<String, byte[]> producer,
      KafkaSettings settings,
      PublicationTracker tracker,
      UnpublishableEvents unpublishable,
      PublishedNotCommitted acknowledgedNotCommitted) {
    this.producer = producer;
    this.settings = settings;
    this.tracker = tracker;
    this.unpublishable = unpublishable;
    this.acknowledgedNotCommitted = acknowledgedNotCommitted;
  }

  @EventHandler
  void on(ZepEvent event, DomainEventMessage<?> message) {
    PublishedEvent published =
        new PublishedEvent(
            message.getIdentifier(),
            event.occurredAt(),
            message.getAggregateIdentifier(),
            message.getSequenceNumber(),
            event,
            text(message.getMetaData().get(Provenance.CORRELATION_ID)),
            text(message.getMetaData().get(Provenance.ACTOR)));
    Object traceId = message.getMetaData().get("traceId");
    RecordMetadata landedBefore = acknowledgedNotCommitted.get(published.id());
    Future<RecordMetadata> ack =
        landedBefore != null
            ? CompletableFuture.completedFuture(landedBefore)
            : producer.send(CloudEventsKafka.toRecord(settings.topic(), published));
    pendingAcks().add(new PendingAck(traceId == null ? null : traceId.toString(), published, ack));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private List<PendingAck> pendingAcks() {
    UnitOfWork<?> batch = CurrentUnitOfWork.get();
    return batch.getOrComputeResource(
        PENDING_ACKS,
        key -> {
          List<PendingAck> acks = new ArrayList<>();
          batch.onPrepareCommit(uow -> awaitAll(acks));
          batch.afterCommit(uow -> acks.forEach(a -> acknowledgedNotCommitted.committed(a.event().id())));
          return acks;
        });
  }

  /**
   * Waits for every record of the batch. A record Kafka refuses for good (too large for the topic) is recorded as
   * unpublishable and passed over, so that it cannot stop publishing for everyone; any other failure (the broker is
   * away, a timeout) fails the batch, which is retried with backoff until Kafka takes it.
   */
  private void awaitAll(List<PendingAck> acks) {
    long deadline = System.nanoTime() + settings.ackTimeout().toNanos();
    try {
      for (PendingAck pending : acks) {
        try {
          RecordMetadata landed = pending.ack().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          acknowledgedNotCommitted.acknowledged(pending.event().id(), landed);
          if (pending.traceId() != null) {
            tracker.published(pending.traceId(), pending.event().id(), landed.partition(), landed.offset());
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
      throw new KafkaPublishException("Kafka did not acknowledge an event: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaPublishException("Kafka did not acknowledge within " + settings.ackTimeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaPublishException("interrupted while waiting for Kafka", e);
    }
  }

  private record PendingAck(String traceId, PublishedEvent event, Future<RecordMetadata> ack) {}

  static final class KafkaPublishException extends RuntimeException {
    KafkaPublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
