package io.zepusers.query.projection;

import io.zepusers.events.PublishedEvent;

/** A read model fed by events. Called inside the transaction that also stores the consumed position. */
public interface Projection {

  /** Applies one event that has not been applied before (the caller filters redeliveries). */
  void apply(PublishedEvent event);
}
