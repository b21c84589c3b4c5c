package io.zepusers.testinfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.springframework.context.ApplicationContext;

/** Which of a service's own routes its OpenAPI document leaves out. */
public final class OpenApiCoverage {

  private OpenApiCoverage() {}

  /**
   * Every route of the application's controllers ({@link RouteProbe#routes}, without actuator, the
   * error page and the document itself) that {@code openApiJson} has no operation for, as {@code
   * "METHOD /path"}.
   */
  public static List<String> missing(ApplicationContext context, String openApiJson) {
    JsonNode paths;
    try {
      paths = new ObjectMapper().readTree(openApiJson).path("paths");
    } catch (IOException e) {
      throw new UncheckedIOException("the document is not JSON", e);
    }
    return RouteProbe.routes(context).stream()
        .filter(
            r ->
                !r.pattern().startsWith("/actuator")
                    && !r.pattern().equals("/error")
                    && !r.pattern().startsWith("/v3/api-docs"))
        .filter(r -> !paths.path(r.pattern()).has(r.method().toLowerCase(Locale.ROOT)))
        .map(r -> r.method() + " " + r.pattern())
        .toList();
  }
}
