package io.zepusers.query.projection;

import io.zepusers.events.PublishedEvent;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Applies an event to every projection, once: the (aggregate id, sequence) claim turns a redelivered event into a
 * no-op. Runs inside the caller's transaction, against whatever tables its {@code search_path} names (the live read
 * models, or the ones a rebuild fills aside).
 */
@Component
public class EventApplier {

  private final List<Projection> projections;
  private final ProjectionStore store;

  EventApplier(List<Projection> projections, ProjectionStore store) {
    this.projections = projections;
    this.store = store;
  }

  public void apply(PublishedEvent event) {
    if (store.claim(event.aggregateId(), event.sequence())) {
      projections.forEach(p -> p.apply(event));
    }
  }
}
