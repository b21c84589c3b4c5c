package io.zepusers.command.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.Test;

class BoundedTailingReadsTest {

  final InMemoryEventStorageEngine store = new InMemoryEventStorageEngine();
  final BoundedTailingReads engine = new BoundedTailingReads(store, 10);

  BoundedTailingReadsTest() {
    store.appendEvents(
        IntStream.range(0, 25)
            .mapToObj(i -> new GenericDomainEventMessage<>("User", "u", i, "event " + i))
            .toList());
  }

  @Test
  void aBlockingReadEndsAfterItsBoundAndTheNextGoesOnFromThere() {
    List<TrackedEventMessage<?>> first =
        engine.readEvents(null, true).<TrackedEventMessage<?>>map(m -> m).toList();
    assertThat(payloadsOf(first)).containsExactlyElementsOf(payloads(0, 10));
    List<TrackedEventMessage<?>> second =
        engine
            .readEvents(first.get(9).trackingToken(), true)
            .<TrackedEventMessage<?>>map(m -> m)
            .toList();
    assertThat(payloadsOf(second)).containsExactlyElementsOf(payloads(10, 20));
  }

  @Test
  void everyOtherReadIsTheEnginesOwn() {
    assertThat(
            payloadsOf(engine.readEvents(null, false).<TrackedEventMessage<?>>map(m -> m).toList()))
        .containsExactlyElementsOf(payloads(0, 25));
    assertThat(engine.readEvents("u", 0).asStream().count()).isEqualTo(25);
    assertThat(engine.lastSequenceNumberFor("u")).contains(24L);
    assertThat(engine.createHeadToken()).isEqualTo(store.createHeadToken());
  }

  @Test
  void theApplicationsEngineIsWrappedOnce() {
    Object wrapped =
        BoundedTailingReads.wrapper().postProcessAfterInitialization(store, "eventStorageEngine");
    assertThat(wrapped).isInstanceOf(BoundedTailingReads.class);
    assertThat(((BoundedTailingReads) wrapped).engine()).isSameAs(store);
    assertThat(
            BoundedTailingReads.wrapper()
                .postProcessAfterInitialization(wrapped, "eventStorageEngine"))
        .isSameAs(wrapped);
  }

  private static List<Object> payloadsOf(List<TrackedEventMessage<?>> events) {
    return events.stream().<Object>map(TrackedEventMessage::getPayload).toList();
  }

  private static List<Object> payloads(int from, int to) {
    return IntStream.range(from, to).<Object>mapToObj(i -> "event " + i).toList();
  }
}
