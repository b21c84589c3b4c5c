package io.zepusers.command.config;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * The event storage engine, with each blocking read of the store ({@code readEvents(token, true)})
 * ending after {@value #EVENTS_PER_READ} events.
 *
 * <p>Only {@code EmbeddedEventStore}'s producer thread reads that way: it fills the store's shared
 * cache for tailing consumers (the publisher). In Axon 4.13 it reads to the head in one pass and,
 * for that whole pass, keeps the node it started from in a local variable ({@code
 * EventProducer.fetchData}), so every event it fetched in the pass stays reachable however the
 * cache is trimmed (AxonFramework#2954). While events arrive faster than a fetch round trip the
 * pass never ends: `bench/rebuild 1000000`, which fills the store straight through SQL, took
 * command-service out of heap (a heap dump showed 739,101 cache nodes hanging from that local).
 * Bounded, a pass ends and the producer starts the next one at once from where it stopped, with the
 * earlier nodes left to be collected. Every other read passes through unchanged.
 *
 * <p>The publisher no longer reads through that cache (it follows the store through StoreTail);
 * this stays for any tracking processor that is given no source of its own.
 */
public final class BoundedTailingReads implements EventStorageEngine {

  /**
   * As many as the event store's cache keeps (EmbeddedEventStore's default {@code cachedEvents}).
   */
  static final int EVENTS_PER_READ = 10_000;

  private final EventStorageEngine engine;
  private final int eventsPerRead;

  BoundedTailingReads(EventStorageEngine engine, int eventsPerRead) {
    this.engine = engine;
    this.eventsPerRead = eventsPerRead;
  }

  /**
   * Wraps the application's storage engine wherever it comes from (Axon's JDBC auto-configuration
   * here).
   */
  static BeanPostProcessor wrapper() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        return bean instanceof EventStorageEngine engine && !(bean instanceof BoundedTailingReads)
            ? new BoundedTailingReads(engine, EVENTS_PER_READ)
            : bean;
      }
    };
  }

  /** The engine underneath. */
  public EventStorageEngine engine() {
    return engine;
  }

  @Override
  public Stream<? extends TrackedEventMessage<?>> readEvents(
      TrackingToken trackingToken, boolean mayBlock) {
    Stream<? extends TrackedEventMessage<?>> events = engine.readEvents(trackingToken, mayBlock);
    return mayBlock ? events.limit(eventsPerRead) : events;
  }

  @Override
  public void appendEvents(List<? extends EventMessage<?>> events) {
    engine.appendEvents(events);
  }

  @Override
  public void storeSnapshot(DomainEventMessage<?> snapshot) {
    engine.storeSnapshot(snapshot);
  }

  @Override
  public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
    return engine.readEvents(aggregateIdentifier, firstSequenceNumber);
  }

  @Override
  public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
    return engine.readSnapshot(aggregateIdentifier);
  }

  @Override
  public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
    return engine.lastSequenceNumberFor(aggregateIdentifier);
  }

  @Override
  public TrackingToken createTailToken() {
    return engine.createTailToken();
  }

  @Override
  public TrackingToken createHeadToken() {
    return engine.createHeadToken();
  }

  @Override
  public TrackingToken createTokenAt(Instant dateTime) {
    return engine.createTokenAt(dateTime);
  }
}
