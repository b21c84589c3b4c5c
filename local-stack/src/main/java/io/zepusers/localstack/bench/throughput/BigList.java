package io.zepusers.localstack.bench.throughput;

import io.zepusers.events.UserCreated;
import io.zepusers.localstack.LocalStack;
import io.zepusers.localstack.bench.TopicWriter;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Streams an unlimited user list ({@code GET /api/v1/user}, no limit) of {@code users} users
 * through the gateway while query-service's heap is sampled. The users are written straight onto
 * the topic (creating a million through the API would take the whole run) with ids far above those
 * the API hands out.
 */
final class BigList {

  private static final long FIRST_ID = 1_000_000_000L;

  record Result(long users, double seconds, long heapMaxBytes) {}

  static Result run(LocalStack.Running stack, long users, Memory memory) throws Exception {
    long t0 = System.nanoTime();
    produce(stack, users);
    // a default-consistency read waits until the projection reached the topic's end (a bounded wait
    // per try)
    while (!ThroughputBench.get(
            stack.gatewayUrl() + "/api/v1/user?limit=1&cursor=" + (FIRST_ID + users - 2),
            stack.authorization())
        .body()
        .contains("\"user_id\"")) {
      System.out.println("  waiting for the projection to apply the list's users ...");
    }
    System.out.printf(
        "  %,d users for the list written and projected in %.1f s%n",
        users, (System.nanoTime() - t0) / 1e9);

    memory.watchHeap();
    t0 = System.nanoTime();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/api/v1/user"))
            .timeout(Duration.ofMinutes(10));
    stack.authorization().ifPresent(a -> b.header("Authorization", a));
    HttpResponse<InputStream> r =
        ThroughputBench.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    long seen = 0;
    try (InputStream in = r.body()) {
      byte[] needle = "\"user_id\":".getBytes(StandardCharsets.US_ASCII);
      byte[] buf = new byte[1 << 16];
      int matched = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          matched = buf[i] == needle[matched] ? matched + 1 : buf[i] == needle[0] ? 1 : 0;
          if (matched == needle.length) {
            seen++;
            matched = 0;
          }
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long heap = memory.heapMax();
    if (r.statusCode() != 200 || seen < users) {
      throw new IllegalStateException(
          "the unlimited list answered "
              + r.statusCode()
              + " with "
              + seen
              + " users; expected at least "
              + users);
    }
    return new Result(seen, seconds, heap);
  }

  private static void produce(LocalStack.Running stack, long users) {
    try (TopicWriter topic = new TopicWriter(stack)) {
      Instant now = Instant.now();
      for (long u = 0; u < users; u++) {
        String userId = "list-user-" + u;
        topic.send(
            userId,
            0,
            new UserCreated(
                userId,
                UUID.randomUUID(),
                FIRST_ID + u,
                userId + "@example.com",
                "Ada",
                "Lovelace",
                Map.of("plan", "pro", "n", u),
                now));
      }
    }
  }
}
