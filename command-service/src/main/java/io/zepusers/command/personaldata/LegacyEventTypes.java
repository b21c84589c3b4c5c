package io.zepusers.command.personaldata;

import java.util.Map;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.stereotype.Component;

/**
 * Reads events stored under Java class names (before the store used the contract's names, or
 * written by an older instance during a rolling deploy) as the stable types. The names are written
 * out, not taken from the classes, so that they still match after the classes move. A later change
 * of an event's shape adds an upcaster of the same kind that also rewrites the payload ({@code
 * upcastPayload} with a JSON tree).
 */
@Component
class LegacyEventTypes extends SingleEventUpcaster {

  static final Map<String, String> STABLE_NAMES =
      Map.of(
          "io.zepusers.events.UserCreated", "user.created",
          "io.zepusers.events.UserUpdated", "user.updated",
          "io.zepusers.events.UserDeleted", "user.deleted",
          "io.zepusers.events.SessionCreated", "session.created",
          "io.zepusers.events.SessionUpdated", "session.updated",
          "io.zepusers.events.SessionDeleted", "session.deleted");

  @Override
  protected boolean canUpcast(IntermediateEventRepresentation representation) {
    return STABLE_NAMES.containsKey(representation.getType().getName());
  }

  @Override
  protected IntermediateEventRepresentation doUpcast(
      IntermediateEventRepresentation representation) {
    return representation.upcastPayload(
        new SimpleSerializedType(STABLE_NAMES.get(representation.getType().getName()), null),
        byte[].class,
        payload -> payload);
  }
}
