package io.zepusers.localstack.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Every write the load made and what the API answered: the state each user and session must have
 * after the acknowledged writes, per fault phase. A user whose write got an error (5xx, no answer)
 * is uncertain: that write may or may not have happened, so it is only checked for not being
 * doubled.
 */
final class Ledger {
  static final int MAX_PHASES = 16;

  /**
   * The phase writes are attributed to: 0 before the first fault, then one per fault (from its
   * injection on).
   */
  private volatile int phase;

  private final Queue<User> users = new ConcurrentLinkedQueue<>();
  private final AtomicLongArray acknowledged = new AtomicLongArray(MAX_PHASES);
  private final AtomicLongArray failed = new AtomicLongArray(MAX_PHASES);
  private final AtomicLongArray rejected = new AtomicLongArray(MAX_PHASES);
  private final AtomicLongArray warned = new AtomicLongArray(MAX_PHASES);

  /**
   * One user, written only by the thread that drives it (read by the checks after that thread
   * ended).
   */
  static final class User {
    final String userId;
    String uuid;
    boolean created;
    boolean deleted;
    boolean uncertain;
    String email;
    String firstName;
    ObjectNode metadata;

    /** Its metadata before each acknowledged patch: a read that shows one of these is stale. */
    final List<JsonNode> earlierMetadata = new ArrayList<>();

    /** The phase of its last acknowledged write, where a check's finding about it is counted. */
    int phase;

    final List<Session> sessions = new ArrayList<>();

    User(String userId) {
      this.userId = userId;
    }

    boolean certain() {
      return created && !uncertain;
    }
  }

  static final class Session {
    final String sessionId;
    final String uuid;
    final JsonNode metadata;
    final int phase;

    Session(String sessionId, String uuid, JsonNode metadata, int phase) {
      this.sessionId = sessionId;
      this.uuid = uuid;
      this.metadata = metadata;
      this.phase = phase;
    }
  }

  int phase() {
    return phase;
  }

  void phase(int p) {
    if (p >= MAX_PHASES) {
      throw new IllegalArgumentException("at most " + (MAX_PHASES - 1) + " faults");
    }
    phase = p;
  }

  User newUser(String userId) {
    User u = new User(userId);
    users.add(u);
    return u;
  }

  Iterable<User> users() {
    return users;
  }

  /** Counts an acknowledged write; returns the phase it belongs to. */
  int acknowledged(boolean warning) {
    int p = phase;
    acknowledged.incrementAndGet(p);
    if (warning) {
      warned.incrementAndGet(p);
    }
    return p;
  }

  void failed() {
    failed.incrementAndGet(phase);
  }

  void rejected() {
    rejected.incrementAndGet(phase);
  }

  long acknowledgedIn(int p) {
    return acknowledged.get(p);
  }

  long failedIn(int p) {
    return failed.get(p);
  }

  long rejectedIn(int p) {
    return rejected.get(p);
  }

  long warnedIn(int p) {
    return warned.get(p);
  }
}
