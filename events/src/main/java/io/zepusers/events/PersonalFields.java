package io.zepusers.events;

import java.util.List;
import java.util.Map;

/**
 * Which fields of each event are a user's personal data (its JSON names): what the event store
 * keeps encrypted under the user's key, and what a delete makes unreadable. Ids, uuids, paging ids
 * and timestamps are not among them.
 */
public final class PersonalFields {

  private static final Map<Class<?>, List<String>> BY_CLASS =
      Map.of(
          UserCreated.class, List.of("email", "first_name", "last_name", "metadata"),
          UserUpdated.class, List.of("email", "first_name", "last_name", "metadata"),
          SessionCreated.class, List.of("metadata"),
          SessionUpdated.class, List.of("metadata"));

  private PersonalFields() {}

  /** The personal fields of events of {@code eventClass}; none for other classes. */
  public static List<String> of(Class<?> eventClass) {
    return BY_CLASS.getOrDefault(eventClass, List.of());
  }
}
