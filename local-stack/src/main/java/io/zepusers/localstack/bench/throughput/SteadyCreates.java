package io.zepusers.localstack.bench.throughput;

import io.zepusers.localstack.LocalStack;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Creates at a steady rate (not as fast as possible) through the gateway, and the projection lag
 * they saw.
 */
final class SteadyCreates {

  record Result(double achievedRate, long failed, double lagP50Millis, double lagP99Millis) {}

  static Result run(LocalStack.Running stack, int rate, int seconds) throws Exception {
    LagHistogram before = LagHistogram.scrape(stack.queryServiceUrl());
    long total = (long) rate * seconds;
    long interval = 1_000_000_000L / rate;
    Semaphore inFlight = new Semaphore(512);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<CompletableFuture<?>> sent = new ArrayList<>();
    String prefix = "steady-" + System.nanoTime() + "-";
    long t0 = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long due = t0 + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.acquire();
      String id = prefix + i;
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/api/v1/user"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"user_id\":\""
                          + id
                          + "\",\"email\":\""
                          + id
                          + "@example.com\",\"metadata\":{\"plan\":\"pro\"}}"));
      stack.authorization().ifPresent(a -> b.header("Authorization", a));
      sent.add(
          ThroughputBench.HTTP
              .sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (r, e) -> {
                    inFlight.release();
                    (e == null && r.statusCode() == 201 ? ok : failed).incrementAndGet();
                  }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    double achieved = total / ((System.nanoTime() - t0) / 1e9);
    // every create is one event: wait until the projection has recorded the lag of all of them
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    LagHistogram phase;
    do {
      phase = LagHistogram.scrape(stack.queryServiceUrl()).since(before);
    } while (phase.count() < ok.get() && System.nanoTime() < deadline && pause());
    System.out.printf(
        "  steady creates: %d sent at %.0f/s, %d failed; lag of %.0f events recorded%n",
        total, achieved, failed.get(), phase.count());
    return new Result(
        achieved, failed.get(), phase.quantileMillis(0.5), phase.quantileMillis(0.99));
  }

  private static boolean pause() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    return true;
  }
}
