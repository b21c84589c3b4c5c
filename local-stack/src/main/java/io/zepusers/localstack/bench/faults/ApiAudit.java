package io.zepusers.localstack.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every user and every session as the API answers them (default consistency: the read waits until
 * the projections applied the topic up to its end), against the acknowledged writes in the {@link
 * Ledger}:
 *
 * <ul>
 *   <li>lost: an acknowledged write is not visible: a user or session missing, or stale (its
 *       metadata as it was before an acknowledged patch, or still there after an acknowledged
 *       delete);
 *   <li>doubled: a user or session listed twice (checked for uncertain users too);
 *   <li>divergent: there, but with content no acknowledged write gave it.
 * </ul>
 *
 * Findings count in the phase of the entity's last acknowledged write.
 */
final class ApiAudit {
  final Tally lost = new Tally();
  final Tally doubled = new Tally();
  final Tally divergent = new Tally();
  int usersChecked;
  int uncertainUsers;
  int sessionsChecked;
  int singleReads;

  void run(Api api, Ledger ledger, int lastPhase) throws IOException, InterruptedException {
    Map<String, List<JsonNode>> users = byKey(readAll(api, "/api/v1/user"), "user_id");
    Map<String, List<JsonNode>> sessions = byKey(readAll(api, "/api/v1/sessions"), "session_id");
    Set<String> knownUsers = new HashSet<>();
    Map<String, Integer> knownSessions = new HashMap<>(); // id -> phase of its create
    Set<String> uncertainOwners = new HashSet<>();
    List<Ledger.User> sample = new ArrayList<>();

    for (Ledger.User u : ledger.users()) {
      knownUsers.add(u.userId);
      List<JsonNode> listed = users.getOrDefault(u.userId, List.of());
      if (listed.size() > 1) {
        doubled.add(u.phase, u.userId + " listed " + listed.size() + " times");
      }
      for (Ledger.Session s : u.sessions) {
        knownSessions.put(s.sessionId, s.phase);
      }
      if (!u.certain()) {
        if (u.uncertain) {
          uncertainUsers++;
          uncertainOwners.add(u.userId);
        }
        continue;
      }
      usersChecked++;
      checkUser(u, listed.isEmpty() ? null : listed.get(0));
      for (Ledger.Session s : u.sessions) {
        sessionsChecked++;
        checkSession(u, s, sessions.getOrDefault(s.sessionId, List.of()));
      }
      if (!u.deleted && sample.size() < 300) {
        sample.add(u);
      }
    }
    for (Map.Entry<String, List<JsonNode>> e : users.entrySet()) {
      if (!knownUsers.contains(e.getKey())) {
        divergent.add(lastPhase, "user " + e.getKey() + " was never written");
      }
    }
    for (Map.Entry<String, List<JsonNode>> e : sessions.entrySet()) {
      String owner = e.getValue().get(0).path("user_id").asText();
      if (e.getValue().size() > 1) {
        doubled.add(
            knownSessions.getOrDefault(e.getKey(), lastPhase),
            "session " + e.getKey() + " listed " + e.getValue().size() + " times");
      }
      if (!knownSessions.containsKey(e.getKey()) && !uncertainOwners.contains(owner)) {
        divergent.add(
            lastPhase, "session " + e.getKey() + " of " + owner + " was never acknowledged");
      }
    }
    // the single-user reads wait for one partition only: they must agree with the lists
    for (Ledger.User u : sample) {
      singleReads++;
      JsonNode listed = users.getOrDefault(u.userId, List.of()).stream().findFirst().orElse(null);
      if (listed == null) {
        continue; // counted as lost already
      }
      Api.Response r = api.get("/api/v1/user/" + u.userId);
      if (r.status() != 200 || !Load.JSON.readTree(r.body()).equals(listed)) {
        divergent.add(
            u.phase, "GET user " + u.userId + " -> " + r.status() + " differs from the list");
      }
      Api.Response own = api.get("/api/v1/user/" + u.userId + "/sessions");
      Set<String> ids = new HashSet<>();
      if (own.status() == 200) {
        for (JsonNode s : Load.JSON.readTree(own.body())) {
          if (!ids.add(s.path("session_id").asText())) {
            doubled.add(
                u.phase,
                "session "
                    + s.path("session_id").asText()
                    + " twice in "
                    + u.userId
                    + "'s sessions");
          }
        }
      }
      Set<String> expected = new HashSet<>();
      u.sessions.forEach(s -> expected.add(s.sessionId));
      if (own.status() != 200 || !ids.equals(expected)) {
        (ids.containsAll(expected) ? divergent : lost)
            .add(
                u.phase,
                "GET "
                    + u.userId
                    + "/sessions -> "
                    + own.status()
                    + " "
                    + ids
                    + ", acknowledged "
                    + expected);
      }
    }
  }

  private void checkUser(Ledger.User u, JsonNode actual) {
    if (u.deleted) {
      if (actual != null) {
        lost.add(u.phase, "user " + u.userId + " still there after its acknowledged delete");
      }
      return;
    }
    if (actual == null) {
      lost.add(u.phase, "user " + u.userId + " missing");
      return;
    }
    JsonNode metadata = actual.path("metadata");
    if (!u.uuid.equals(actual.path("uuid").asText())
        || !u.email.equals(actual.path("email").asText())
        || !u.firstName.equals(actual.path("first_name").asText())) {
      divergent.add(u.phase, "user " + u.userId + " is " + actual);
    } else if (!metadata.equals(u.metadata)) {
      if (u.earlierMetadata.contains(metadata)) {
        lost.add(
            u.phase,
            "user " + u.userId + " stale: metadata " + metadata + ", acknowledged " + u.metadata);
      } else {
        divergent.add(
            u.phase, "user " + u.userId + " metadata " + metadata + ", acknowledged " + u.metadata);
      }
    }
  }

  private void checkSession(Ledger.User u, Ledger.Session s, List<JsonNode> listed) {
    if (u.deleted) {
      if (!listed.isEmpty()) {
        lost.add(
            u.phase,
            "session " + s.sessionId + " still there after its user's acknowledged delete");
      }
      return;
    }
    if (listed.isEmpty()) {
      lost.add(s.phase, "session " + s.sessionId + " missing");
      return;
    }
    JsonNode actual = listed.get(0);
    if (!s.uuid.equals(actual.path("uuid").asText())
        || !u.userId.equals(actual.path("user_id").asText())
        || !s.metadata.equals(actual.path("metadata"))) {
      divergent.add(s.phase, "session " + s.sessionId + " is " + actual);
    }
  }

  /**
   * The whole list (no limit), retried while the read side answers 503 (not caught up, or still
   * recovering).
   */
  private static JsonNode readAll(Api api, String path) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      Api.Response r;
      try {
        r = api.get(path);
      } catch (IOException e) {
        r = new Api.Response(-1, e.toString(), false);
      }
      if (r.status() == 200) {
        return Load.JSON.readTree(r.body());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "GET " + path + " keeps answering " + r.status() + " " + r.body().strip());
      }
      Thread.sleep(1000);
    }
  }

  private static Map<String, List<JsonNode>> byKey(JsonNode array, String key) {
    Map<String, List<JsonNode>> m = new HashMap<>();
    for (JsonNode n : array) {
      m.computeIfAbsent(n.path(key).asText(), k -> new ArrayList<>()).add(n);
    }
    return m;
  }
}
