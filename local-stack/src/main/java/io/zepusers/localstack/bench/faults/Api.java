package io.zepusers.localstack.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The API through the gateway, as a client sees it: a status and a body, or an exception when it
 * cannot be reached.
 */
final class Api {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /**
   * A write waits for Kafka's acknowledgement up to 10 s (then answers with a warning): allow that
   * and more.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final Optional<String> authorization;

  Api(String gatewayUrl, Optional<String> authorization) {
    this.base = gatewayUrl;
    this.authorization = authorization;
  }

  record Response(int status, String body, boolean consistencyWarning) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  Response get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  Response send(String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
    authorization.ifPresent(a -> b.header("Authorization", a));
    if (json != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(
        r.statusCode(), r.body(), r.headers().firstValue("X-Consistency-Warning").isPresent());
  }
}
