package io.zepusers.localstack.bench;

import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserUpdated;
import io.zepusers.localstack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast the read models rebuild. Starts a fresh stack, writes {@code events} events straight onto the topic
 * (five per user: created, two updates, a session created and updated), waits until the live projection has
 * applied them, then runs a rebuild through the API and reports its rate. Run with
 * {@code bench/rebuild [events=1000000]}.
 */
public final class RebuildBench {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    LocalStack.Config config =
        LocalStack.Config.defaults()
            .dataDir(Files.createTempDirectory("zep-rebuild-bench"))
            .clean(true)
            .gatewayPort(0)
            .kafkaPort(0)
            .postgresPort(0)
            .childJvmOptions(List.of("-Xmx1g", "-Daxoniq.update-checker.disabled=true"));
    try (LocalStack.Running stack = LocalStack.start(config)) {
      long t0 = System.nanoTime();
      produce(stack, events);
      System.out.printf("wrote %d events to %s in %.1f s%n", events, stack.topic(), (System.nanoTime() - t0) / 1e9);

      t0 = System.nanoTime();
      String gateway = stack.gatewayUrl();
      // a read without token waits until the live projection reached the topic's end (bounded by 5 s a try)
      while (HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/user?limit=1")).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode() != 200) {
        System.out.println("live projection still catching up ...");
      }
      double liveSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("live projection caught up %.1f s after the last write (it ran while they were written)%n", liveSeconds);

      HttpResponse<String> started =
          HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/admin/rebuild")).POST(HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
      if (started.statusCode() != 202) {
        throw new IllegalStateException("rebuild did not start: " + started.statusCode() + " " + started.body());
      }
      // the API keeps answering from the current read models while the rebuild runs: read all along
      String status;
      long reads = 0;
      long failedReads = 0;
      long slowestRead = 0;
      long nextStatus = 0;
      do {
        long r0 = System.nanoTime();
        String userId = "bench-user-" + (1 + (reads * 7919) % Math.max(1, events / 5));
        int code = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/user/" + userId)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        slowestRead = Math.max(slowestRead, System.nanoTime() - r0);
        reads++;
        failedReads += code == 200 ? 0 : 1;
        status = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/admin/rebuild")).build(), HttpResponse.BodyHandlers.ofString()).body();
        if (System.nanoTime() > nextStatus) {
          System.out.println(status);
          nextStatus = System.nanoTime() + 2_000_000_000L;
        }
        Thread.sleep(20);
      } while (status.contains("\"state\":\"building\"") || status.contains("\"state\":\"preparing\"") || status.contains("\"state\":\"switching\""));
      System.out.println(status);
      System.out.printf("reads during the rebuild: %d, not 200: %d, slowest %.0f ms%n", reads, failedReads, slowestRead / 1e6);
      Matcher done = Pattern.compile("\"events_done\":(\\d+).*\"events_per_second\":(\\d+)").matcher(status);
      if (!status.contains("\"state\":\"done\"") || !done.find()) {
        throw new IllegalStateException("rebuild failed: " + status);
      }
      System.out.printf("%nrebuild: %s events at %s events/s (target: 20000)%n", done.group(1), done.group(2));
    }
  }

  private static void produce(LocalStack.Running stack, long events) {
    try (TopicWriter topic = new TopicWriter(stack)) {
      Instant t = Instant.parse("2024-01-01T00:00:00Z");
      long users = events / 5;
      for (long u = 1; u <= users; u++) {
        String userId = "bench-user-" + u;
        UUID uuid = UUID.randomUUID();
        String sessionId = userId + "-s";
        UUID sessionUuid = UUID.randomUUID();
        Map<String, Object> metadata = Map.of("plan", Map.of("tier", "pro", "seats", 3), "n", u);
        topic.send(userId, 0, new UserCreated(userId, uuid, u, userId + "@example.com", "First", "Last", metadata, t));
        topic.send(userId, 1, new UserUpdated(userId, uuid, userId + "@example.com", "Changed", "Last", metadata, t.plusSeconds(1)));
        topic.send(userId, 2, new UserUpdated(userId, uuid, "new-" + userId + "@example.com", "Changed", "Last", metadata, t.plusSeconds(2)));
        topic.send(sessionId, 0, new SessionCreated(sessionId, sessionUuid, u, userId, Map.of("channel", "web"), t.plusSeconds(3)));
        topic.send(sessionId, 1, new SessionUpdated(sessionId, sessionUuid, userId, Map.of("channel", "app"), t.plusSeconds(4)));
      }
    }
  }
}
