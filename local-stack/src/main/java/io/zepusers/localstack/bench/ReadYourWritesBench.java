package io.zepusers.localstack.bench;

import io.zepusers.localstack.LocalStack;
import io.zepusers.localstack.LocalStackConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What read-your-writes costs. Starts the whole stack (full-JIT child JVMs), then measures, through
 * the gateway, the latency of reads in each consistency mode, interleaved request by request so
 * that a noisy machine affects every mode alike: {@code default} (waits for the topic end of the
 * user's partition, or all partitions for a list), {@code token} (waits for a write's position) and
 * {@code eventual} (no wait, the baseline). It does so idle and under a concurrent write load, and
 * reports write latency and the projection lag (event stored to readable).
 *
 * <p>Run with {@code bench/read-your-writes [reads-per-mode] [writer-threads]}.
 */
public final class ReadYourWritesBench {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String gateway;
  private final List<String> users = new ArrayList<>();
  private volatile String lastToken = "0:0";

  private ReadYourWritesBench(String gateway) {
    this.gateway = gateway;
  }

  public static void main(String[] args) throws Exception {
    int readsPerMode = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int writers = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path data = Files.createTempDirectory("zep-bench");
    LocalStackConfig config =
        BenchData.freshStack(data)
            .childJvmOptions(List.of("-Xmx512m", "-Daxoniq.update-checker.disabled=true"));
    try (LocalStack.Running stack = LocalStack.start(config)) {
      ReadYourWritesBench bench = new ReadYourWritesBench(stack.gatewayUrl());
      bench.seed(300);
      bench.readRound(Math.max(200, readsPerMode / 4)); // warm-up, not reported

      System.out.printf(
          "%nread latency through the gateway, ms (%d reads per mode, interleaved)%n",
          readsPerMode);
      System.out.println("| phase | read | mode | p50 | p99 | mean |");
      System.out.println("|---|---|---|---|---|---|");
      bench.report("idle", bench.readRound(readsPerMode));

      AtomicBoolean loading = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Long> writeNanos = Collections.synchronizedList(new ArrayList<>());
      AtomicLong writes = new AtomicLong();
      List<Future<?>> load = new ArrayList<>();
      long loadStart = System.nanoTime();
      for (int w = 0; w < writers; w++) {
        load.add(pool.submit(() -> bench.writeLoad(loading, writes, writeNanos)));
      }
      Map<String, long[]> underLoad = bench.readRound(readsPerMode);
      loading.set(false);
      for (Future<?> f : load) {
        f.get();
      }
      pool.shutdown();
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      bench.report("under load", underLoad);

      long[] w = writeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(
          "%nwrite load: %d writer threads, %d writes in %.1f s = %.0f writes/s; write latency (stored + acknowledged by Kafka) p50 %.2f ms, p99 %.2f ms%n",
          writers, writes.get(), loadSeconds, writes.get() / loadSeconds, pct(w, 50), pct(w, 99));
      String lagP50 = metric(stack.queryServiceUrl(), "projection.lag.percentile?tag=phi:0.5");
      String lagP99 = metric(stack.queryServiceUrl(), "projection.lag.percentile?tag=phi:0.99");
      String lagMax = metric(stack.queryServiceUrl(), "projection.lag");
      System.out.printf(
          "projection lag (event stored -> visible in the read model, last 2 minutes): p50 %s ms, p99 %s ms, max %s ms%n",
          lagP50, lagP99, lagMax);
    }
    System.out.println("the services' logs: " + BenchData.keepOnlyLogs(data, data.resolve("logs")));
  }

  private void seed(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      String id = "bench-" + UUID.randomUUID();
      HttpResponse<String> r =
          send(
              "POST",
              "/api/v1/user",
              "{\"user_id\":\"" + id + "\",\"metadata\":{\"n\":" + i + "}}");
      check(r, 201);
      users.add(id);
      lastToken = r.headers().firstValue("X-Consistency-Token").orElse(lastToken);
    }
  }

  /** Each mode and read kind, request by request in turn, so that noise hits all of them alike. */
  private Map<String, long[]> readRound(int perMode) throws Exception {
    String[] modes = {"eventual", "default", "token"};
    String[] reads = {"get user", "list 10"};
    Map<String, long[]> nanos = new LinkedHashMap<>();
    for (String read : reads) {
      for (String mode : modes) {
        nanos.put(read + "|" + mode, new long[perMode]);
      }
    }
    for (int i = 0; i < perMode; i++) {
      for (String read : reads) {
        for (String mode : modes) {
          String path =
              read.equals("get user")
                  ? "/api/v1/user/" + users.get(ThreadLocalRandom.current().nextInt(users.size()))
                  : "/api/v1/user?limit=10&cursor="
                      + ThreadLocalRandom.current().nextInt(users.size());
          HttpRequest.Builder b =
              HttpRequest.newBuilder(URI.create(gateway + path))
                  .timeout(Duration.ofSeconds(30))
                  .GET();
          if (mode.equals("eventual")) {
            b.header("X-Zep-Consistency", "eventual");
          } else if (mode.equals("token")) {
            b.header("X-Consistency-Token", lastToken);
          }
          long t0 = System.nanoTime();
          HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
          nanos.get(read + "|" + mode)[i] = System.nanoTime() - t0;
          check(r, 200);
        }
      }
    }
    return nanos;
  }

  private void writeLoad(AtomicBoolean loading, AtomicLong writes, List<Long> writeNanos) {
    try {
      while (loading.get()) {
        String id = "load-" + UUID.randomUUID();
        long t0 = System.nanoTime();
        HttpResponse<String> created = send("POST", "/api/v1/user", "{\"user_id\":\"" + id + "\"}");
        writeNanos.add(System.nanoTime() - t0);
        check(created, 201);
        t0 = System.nanoTime();
        HttpResponse<String> updated =
            send("PATCH", "/api/v1/user/" + id, "{\"metadata\":{\"k\":1}}");
        writeNanos.add(System.nanoTime() - t0);
        check(updated, 200);
        lastToken = updated.headers().firstValue("X-Consistency-Token").orElse(lastToken);
        writes.addAndGet(2);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void report(String phase, Map<String, long[]> nanos) {
    nanos.forEach(
        (key, values) -> {
          long[] sorted = values.clone();
          Arrays.sort(sorted);
          String[] k = key.split("\\|");
          System.out.printf(
              "| %s | %s | %s | %.2f | %.2f | %.2f |%n",
              phase,
              k[0],
              k[1],
              pct(sorted, 50),
              pct(sorted, 99),
              Arrays.stream(sorted).average().orElse(0) / 1e6);
        });
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)]
        / 1e6;
  }

  private static String metric(String base, String query) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/" + query)).build(),
            HttpResponse.BodyHandlers.ofString());
    String statistic = query.contains("percentile") ? "VALUE" : "MAX";
    Matcher m =
        Pattern.compile("\"statistic\":\"" + statistic + "\",\"value\":([0-9.Ee+-]+)")
            .matcher(r.body());
    return m.find()
        ? String.format("%.1f", Double.parseDouble(m.group(1)) * 1000)
        : "n/a (" + r.statusCode() + ")";
  }

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void check(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(
          r.request().method() + " " + r.uri() + " -> " + r.statusCode() + ": " + r.body());
    }
  }
}
