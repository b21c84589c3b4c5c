package io.zepusers.localstack.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Mixed writes through the gateway from several threads: user creates, metadata PATCHes
 * (deep-merged), session creates and user deletes, each thread on users of its own, so the expected
 * state of every user follows from the acknowledged writes alone. Every answer goes into the {@link
 * Ledger}.
 */
final class Load {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Api api;
  private final Ledger ledger;
  private final String runId;
  private final List<Thread> workers = new ArrayList<>();
  private final List<String> rejections = new CopyOnWriteArrayList<>();
  private volatile boolean running;

  Load(Api api, Ledger ledger, String runId) {
    this.api = api;
    this.ledger = ledger;
    this.runId = runId;
  }

  void start(int threads) {
    running = true;
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> drive(id), "load-" + t);
      w.setDaemon(true);
      workers.add(w);
      w.start();
    }
  }

  void stop() throws InterruptedException {
    running = false;
    for (Thread w : workers) {
      w.join(120_000);
    }
  }

  /** The first few unexpected 4xx answers, for the report. */
  List<String> rejections() {
    return rejections;
  }

  /** A create, then a read of it (default consistency): true when both answered as they must. */
  boolean probe(int n) {
    Ledger.User u = ledger.newUser("probe-" + runId + "-" + n);
    if (!create(u, n)) {
      return false;
    }
    try {
      Api.Response r = api.get("/api/v1/user/" + u.userId);
      return r.status() == 200 && u.uuid.equals(JSON.readTree(r.body()).path("uuid").asText());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void drive(int thread) {
    Random rnd = new Random(thread);
    List<Ledger.User> active = new ArrayList<>();
    int n = 0;
    while (running) {
      n++;
      boolean ok;
      if (active.size() < 3 || rnd.nextInt(100) < 25) {
        Ledger.User u = ledger.newUser("f-" + runId + "-" + thread + "-" + n);
        ok = create(u, n);
        if (ok) {
          active.add(u);
        }
      } else {
        Ledger.User u = active.get(rnd.nextInt(active.size()));
        int r = rnd.nextInt(100);
        ok = r < 45 ? patch(u, n) : r < 80 ? session(u, n) : delete(u);
        if (!ok || u.deleted) {
          active.remove(u); // an uncertain user is left alone from now on
        }
      }
      try {
        Thread.sleep(ok ? 20 : 250); // do not spin on a part that is down
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private boolean create(Ledger.User u, int n) {
    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("n", n);
    metadata.putObject("nested").put("created", n);
    ObjectNode body = JSON.createObjectNode();
    body.put("user_id", u.userId)
        .put("email", u.userId + "@example.com")
        .put("first_name", "F" + n);
    body.set("metadata", metadata);
    Api.Response r = write(u, "POST", "/api/v1/user", body, 201);
    if (r == null) {
      return false;
    }
    u.created = true;
    u.uuid = field(r, "uuid");
    u.email = u.userId + "@example.com";
    u.firstName = "F" + n;
    u.metadata = metadata;
    u.phase = ledger.acknowledged(r.consistencyWarning());
    return true;
  }

  private boolean patch(Ledger.User u, int n) {
    ObjectNode patch = JSON.createObjectNode();
    patch.put("p" + n, n);
    patch.putObject("nested").put("p" + n, true);
    Api.Response r =
        write(
            u,
            "PATCH",
            "/api/v1/user/" + u.userId,
            JSON.createObjectNode().set("metadata", patch),
            200);
    if (r == null) {
      return false;
    }
    u.earlierMetadata.add(u.metadata.deepCopy());
    merge(u.metadata, patch);
    u.phase = ledger.acknowledged(r.consistencyWarning());
    return true;
  }

  private boolean session(Ledger.User u, int n) {
    String sessionId = u.userId + "-s" + n;
    ObjectNode metadata = JSON.createObjectNode().put("n", n);
    ObjectNode body = JSON.createObjectNode().put("session_id", sessionId).put("user_id", u.userId);
    body.set("metadata", metadata);
    Api.Response r = write(u, "POST", "/api/v1/sessions", body, 201);
    if (r == null) {
      return false;
    }
    int phase = ledger.acknowledged(r.consistencyWarning());
    u.sessions.add(new Ledger.Session(sessionId, field(r, "uuid"), metadata, phase));
    u.phase = phase;
    return true;
  }

  private boolean delete(Ledger.User u) {
    Api.Response r = write(u, "DELETE", "/api/v1/user/" + u.userId, null, 200);
    if (r == null) {
      return false;
    }
    u.deleted = true;
    u.phase = ledger.acknowledged(r.consistencyWarning());
    return true;
  }

  /**
   * The answer when it is the expected status; otherwise null, and the user is uncertain from now
   * on.
   */
  private Api.Response write(
      Ledger.User u, String method, String path, JsonNode body, int expected) {
    Api.Response r;
    try {
      r = api.send(method, path, body == null ? null : body.toString());
    } catch (IOException e) {
      r = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r = null;
    }
    if (r != null && r.status() == expected) {
      return r;
    }
    u.uncertain = true;
    if (r != null && r.status() >= 400 && r.status() < 500) {
      ledger.rejected();
      if (rejections.size() < 10) {
        rejections.add(method + " " + path + " -> " + r.status() + " " + r.body().strip());
      }
    } else {
      ledger.failed();
    }
    return null;
  }

  private static String field(Api.Response r, String name) {
    try {
      return JSON.readTree(r.body()).path(name).asText();
    } catch (IOException e) {
      return "";
    }
  }

  /** The API's deep merge: nested objects merge key by key, anything else replaces. */
  static void merge(ObjectNode into, JsonNode patch) {
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      JsonNode existing = into.get(e.getKey());
      if (existing instanceof ObjectNode o && e.getValue().isObject()) {
        merge(o, e.getValue());
      } else {
        into.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }
}
