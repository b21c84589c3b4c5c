package io.zepusers.command;

import io.zepusers.command.directory.Directory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The directory as an aggregate test needs it: which users exist and which sessions they have. */
public final class StubDirectory implements Directory {

  private final Map<String, List<String>> sessionsByUser = new HashMap<>();

  public StubDirectory withUser(String userId, String... sessionIds) {
    sessionsByUser.put(userId, new ArrayList<>(List.of(sessionIds)));
    return this;
  }

  @Override
  public boolean lockExistingUser(String userId) {
    return sessionsByUser.containsKey(userId);
  }

  @Override
  public List<String> lockUserAndListSessions(String userId) {
    return sessionsByUser.getOrDefault(userId, List.of());
  }
}
