package io.zepusers.gateway.errors;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** Writes answers the way Zep's {@code http.Error} does: one line of text/plain, never JSON. */
public final class PlainText {

  /** Spelled exactly as Go's http.Error sends it. */
  public static final String CONTENT_TYPE = "text/plain; charset=utf-8";

  private PlainText() {}

  /** {@code message + "\n"} as {@code text/plain; charset=utf-8} with {@code nosniff}. */
  public static Mono<Void> line(
      ServerHttpResponse response, HttpStatusCode status, String message) {
    response.setStatusCode(status);
    response.getHeaders().set("Content-Type", CONTENT_TYPE);
    response.getHeaders().set("X-Content-Type-Options", "nosniff");
    return body(response, message + "\n");
  }

  /**
   * The same line as a route's answer (the gateway's own routes: readiness, the API description).
   */
  public static Mono<ServerResponse> answer(HttpStatusCode status, String message) {
    return ServerResponse.status(status)
        .header("Content-Type", CONTENT_TYPE)
        .bodyValue(message + "\n");
  }

  /** {@code 10s} or {@code 1500ms}: how durations read in an answer. */
  public static String duration(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  /** The body exactly as given, with a Content-Length. */
  public static Mono<Void> body(ServerHttpResponse response, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().setContentLength(bytes.length);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
  }
}
