package io.zepusers.events;

import java.util.Map;
import java.util.Optional;

/**
 * Stable wire names of the event types; never Java class names, so classes can move without
 * breaking consumers.
 */
public final class EventTypes {

  private static final Map<String, Class<? extends ZepEvent>> BY_NAME =
      Map.of(
          UserCreated.TYPE, UserCreated.class,
          UserUpdated.TYPE, UserUpdated.class,
          UserDeleted.TYPE, UserDeleted.class,
          SessionCreated.TYPE, SessionCreated.class,
          SessionUpdated.TYPE, SessionUpdated.class,
          SessionDeleted.TYPE, SessionDeleted.class);

  private static final Map<Class<? extends ZepEvent>, String> BY_CLASS =
      Map.of(
          UserCreated.class, UserCreated.TYPE,
          UserUpdated.class, UserUpdated.TYPE,
          UserDeleted.class, UserDeleted.TYPE,
          SessionCreated.class, SessionCreated.TYPE,
          SessionUpdated.class, SessionUpdated.TYPE,
          SessionDeleted.class, SessionDeleted.TYPE);

  private EventTypes() {}

  public static String nameOf(ZepEvent event) {
    String name = BY_CLASS.get(event.getClass());
    if (name == null) {
      throw new IllegalArgumentException("no wire type for " + event.getClass().getName());
    }
    return name;
  }

  /** The wire name of an event class, or empty when it is not one of the contract's events. */
  public static Optional<String> nameOf(Class<?> eventClass) {
    return Optional.ofNullable(BY_CLASS.get(eventClass));
  }

  public static Optional<Class<? extends ZepEvent>> classOf(String typeName) {
    return Optional.ofNullable(BY_NAME.get(typeName));
  }
}
