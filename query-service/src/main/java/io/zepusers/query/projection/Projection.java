package io.zepusers.query.projection;

import io.zepusers.events.PublishedEvent;
import java.util.List;

/**
 * A read model fed by events. Called inside the transaction that also stores the consumed position,
 * with a batch of events in topic order, none applied before (the caller filters redeliveries). A
 * projection folds the batch into as few writes as it can: the end state of each row, not every
 * step.
 */
public interface Projection {

  void apply(List<PublishedEvent> events);
}
