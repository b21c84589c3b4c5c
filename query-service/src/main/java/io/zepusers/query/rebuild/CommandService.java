package io.zepusers.query.rebuild;

import io.zepusers.api.ApiKeys;
import io.zepusers.query.projection.ReadModelGeneration.Generation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * command-service's calls for topic generations, which a rebuild drives: start one, watch it, let
 * it take over. When API keys are on, each call carries a short-lived admin key signed with the
 * shared secret.
 */
@Component
class CommandService {

  /** Where the builder of a generation is. */
  record Progress(
      String state, long position, long storePosition, long eventsWritten, String error) {}

  private final URI base;
  private final String secret;
  private final ObjectMapper json;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  CommandService(
      @Value("${zep.command-service.url:http://127.0.0.1:8081}") URI base,
      @Value("${zep.auth.secret:}") String secret,
      ObjectMapper json) {
    this.base = base;
    this.secret = secret;
    this.json = json;
  }

  Generation startGeneration() {
    JsonNode started = call("POST", "/api/v1/admin/generations", 202);
    return new Generation(started.get("generation").asInt(), started.get("topic").asString());
  }

  Progress progress(int generation) {
    for (JsonNode g : call("GET", "/api/v1/admin/generations", 200)) {
      if (g.get("generation").asInt() == generation) {
        return new Progress(
            g.get("state").asString(),
            g.get("position").isNumber() ? g.get("position").asLong() : 0,
            g.get("store_position").asLong(),
            g.get("events_written").asLong(),
            g.get("error").isNull() ? null : g.get("error").asString());
      }
    }
    throw new IllegalStateException("command-service knows no generation " + generation);
  }

  /**
   * Lets the generation take over; command-service answers 503 while its publisher is behind, which
   * is retried.
   */
  void takeOver(int generation) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        call("POST", "/api/v1/admin/generations/" + generation + "/takeover", 200);
        return;
      } catch (Unavailable e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "generation " + generation + " could not take over within 60 s: " + e.getMessage(),
              e);
        }
      }
    }
  }

  void abandon(int generation) {
    call("DELETE", "/api/v1/admin/generations/" + generation, 204);
  }

  private JsonNode call(String method, String path, int expected) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (!secret.isEmpty()) {
      long exp = Instant.now().plusSeconds(300).getEpochSecond();
      request.header(
          "Authorization",
          "Bearer "
              + ApiKeys.sign(
                  secret, "{\"sub\":\"query-service\",\"admin\":true,\"exp\":" + exp + "}"));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(
          "command-service at " + base + " cannot be reached: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (response.statusCode() == 503) {
      throw new Unavailable(response.body().strip());
    }
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          method
              + " "
              + path
              + " on command-service answered "
              + response.statusCode()
              + ": "
              + response.body().strip());
    }
    return json.readTree(response.body().isEmpty() ? "null" : response.body());
  }

  private static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message);
    }
  }
}
