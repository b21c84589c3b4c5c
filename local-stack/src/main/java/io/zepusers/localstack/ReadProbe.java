package io.zepusers.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * READY means reads work: a real read through the gateway, {@code GET /api/v1/user?limit=1} with
 * the default consistency, answers 200. That read only answers once query-service's projections
 * have applied the whole topic up to its end (all partitions), so it proves gateway, query-service,
 * its PostgreSQL and Kafka together; a health endpoint proves only what it happens to check.
 */
final class ReadProbe {
  static final String PATH = "/api/v1/user?limit=1";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ReadProbe() {}

  /**
   * Polls until the read answers 200; fails after {@code timeout}, at once on 401/403, or when
   * {@code cancelled}.
   */
  static void await(
      String gatewayUrl,
      Optional<String> authorization,
      Duration timeout,
      BooleanSupplier cancelled) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (true) {
      if (cancelled.getAsBoolean()) {
        throw new LocalStackException("stopped while waiting for reads to work");
      }
      HttpRequest.Builder req =
          HttpRequest.newBuilder(URI.create(gatewayUrl + PATH))
              .timeout(Duration.ofSeconds(15))
              .GET();
      authorization.ifPresent(a -> req.header("Authorization", a));
      try {
        HttpResponse<String> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body().strip().lines().findFirst().orElse("");
        if (r.statusCode() == 401 || r.statusCode() == 403) {
          throw new LocalStackException(
              "GET "
                  + PATH
                  + " through the gateway answers "
                  + last
                  + ": the services "
                  + (authorization.isPresent()
                      ? "do not accept a key signed with " + ApiKey.SECRET_ENV
                      : "have authentication on, but " + ApiKey.SECRET_ENV + " is not set here"));
        }
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalStackException("interrupted while waiting for reads to work", e);
      }
      if (System.nanoTime() > deadline) {
        throw new LocalStackException(
            "reads do not work within "
                + timeout.toSeconds()
                + " s: GET "
                + PATH
                + " through the gateway answers "
                + last);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalStackException("interrupted while waiting for reads to work", e);
      }
    }
  }
}
