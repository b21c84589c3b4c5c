package io.zepusers.command.consistency;

import java.util.List;
import java.util.function.BiFunction;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Tells the tracker which events a command stores, by the trace id Axon puts on every event a
 * command causes, and which of them a rollback took back again.
 */
@Component
class TraceEventsInterceptor
    implements MessageDispatchInterceptor<EventMessage<?>>, SmartInitializingSingleton {

  static final String TRACE_ID = "traceId";

  private final EventStore eventStore;
  private final PublicationTracker tracker;

  TraceEventsInterceptor(EventStore eventStore, PublicationTracker tracker) {
    this.eventStore = eventStore;
    this.tracker = tracker;
  }

  @Override
  public void afterSingletonsInstantiated() {
    eventStore.registerDispatchInterceptor(this);
  }

  @Override
  public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(
      List<? extends EventMessage<?>> messages) {
    return (index, event) -> {
      Object traceId = event.getMetaData().get(TRACE_ID);
      if (traceId != null) {
        tracker.stored(traceId.toString(), event.getIdentifier());
        CurrentUnitOfWork.ifStarted(
            unitOfWork ->
                unitOfWork.onRollback(
                    u -> tracker.rolledBack(traceId.toString(), event.getIdentifier())));
      }
      return event;
    };
  }
}
