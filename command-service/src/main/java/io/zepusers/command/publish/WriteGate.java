package io.zepusers.command.publish;

import java.util.List;
import java.util.function.BiFunction;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Lets a new topic generation take over at a point where no event is half-stored: every transaction
 * that stores events holds PostgreSQL's advisory lock {@link #KEY} shared (once, when it stores its
 * first event), and the takeover holds it exclusively for the moment it moves the publisher. Writes
 * wait for that moment (milliseconds), on every instance, since the lock lives in the shared
 * database.
 */
@Component
class WriteGate implements MessageDispatchInterceptor<EventMessage<?>>, SmartInitializingSingleton {

  /** The advisory lock's key ("zep" and 1). */
  static final long KEY = 0x7a6570_00000001L;

  private static final String HELD = WriteGate.class.getName() + ".held";

  private final EventStore eventStore;
  private final JdbcTemplate jdbc;

  WriteGate(EventStore eventStore, JdbcTemplate jdbc) {
    this.eventStore = eventStore;
    this.jdbc = jdbc;
  }

  @Override
  public void afterSingletonsInstantiated() {
    eventStore.registerDispatchInterceptor(this);
  }

  @Override
  public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(
      List<? extends EventMessage<?>> messages) {
    if (!messages.isEmpty() && CurrentUnitOfWork.isStarted()) {
      CurrentUnitOfWork.get()
          .getOrComputeResource(
              HELD,
              key -> {
                // in the unit of work's transaction, so released when it commits or rolls back
                jdbc.query("SELECT pg_advisory_xact_lock_shared(?)", rs -> {}, KEY);
                return Boolean.TRUE;
              });
    }
    return (index, event) -> event;
  }
}
