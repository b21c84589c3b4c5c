package io.zepusers.web.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.zepusers.api.SessionView;
import io.zepusers.api.UserView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * What every operation of both services shares, written once into their OpenAPI documents: the API
 * key, the one-line plain-text error answers, the correlation id, and the read-your-writes headers
 * (a write answers with {@code X-Consistency-Token}; a read accepts it, or {@code
 * consistency=eventual} not to wait).
 */
@AutoConfiguration
@ConditionalOnClass(OpenApiCustomizer.class)
public class ApiDocumentation {

  static final String KEY = "apiKey";

  @Bean
  OpenApiCustomizer sharedApiDocumentation(
      @Value("${spring.application.name:zep-users}") String service) {
    return openApi -> {
      openApi.info(
          new Info()
              .title("zep-users: " + service)
              .version("1")
              .description(
                  "A drop-in server for the Zep Memory Store's Users and Sessions API, event-sourced. Errors are one line "
                      + "of text/plain. With authentication on (zep.auth.secret), every call but health and this document "
                      + "needs an API key (an HS256 JWT) as a bearer token; /api/v1/admin/** needs its admin claim."));
      Components components =
          openApi.getComponents() == null ? new Components() : openApi.getComponents();
      components.addSecuritySchemes(
          KEY,
          new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT"));
      openApi.components(components);
      openApi.addSecurityItem(new SecurityRequirement().addList(KEY));
      example(components, "UserView", USER_EXAMPLE);
      example(components, "SessionView", SESSION_EXAMPLE);
      if (openApi.getPaths() == null) {
        return;
      }
      openApi
          .getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap()
                      .forEach((method, operation) -> document(path, method, operation)));
    };
  }

  private static final ObjectMapper WIRE = new ObjectMapper();

  /**
   * A user and a session as the API answers them, made by the same classes that write the answers.
   */
  private static final Object USER_EXAMPLE =
      WIRE.convertValue(
          UserView.of(
              UUID.fromString("6f0c2a52-7d5e-4a8e-9d43-0b8f3c1f2e11"),
              7,
              Instant.parse("2024-01-02T03:04:05.123456Z"),
              Instant.parse("2024-01-03T00:00:00Z"),
              "alice",
              "alice@example.com",
              "Alice",
              "Liddell",
              Map.of("plan", Map.of("tier", "pro"))),
          Map.class);

  private static final Object SESSION_EXAMPLE =
      WIRE.convertValue(
          SessionView.of(
              UUID.fromString("0b6f4c1e-2f0a-4b7e-9a51-3c2d1e0f9a88"),
              12,
              Instant.parse("2024-01-02T03:04:05.123456Z"),
              Instant.parse("2024-01-02T03:04:05.123456Z"),
              "s-1",
              Map.of("channel", "web"),
              "alice"),
          Map.class);

  /** The query parameters the services share, described once: (description, example). */
  private static final Map<String, String[]> PARAMETERS =
      Map.of(
          "as_of",
              new String[] {
                "The state at this time (RFC 3339), from the audit trail; 404 if it did not exist then",
                "2024-01-02T03:04:05Z"
              },
          "limit",
              new String[] {
                "At most this many, in creation order; without it, the whole list, streamed", "10"
              },
          "cursor",
              new String[] {
                "Start after this paging id (the `id` of the last one of the page before)", "0"
              },
          "user_id", new String[] {"Only this user's events (its own and its sessions')", "alice"});

  private static void document(String path, PathItem.HttpMethod method, Operation operation) {
    if (operation.getParameters() != null) {
      for (Parameter p : operation.getParameters()) {
        String[] known = PARAMETERS.get(p.getName());
        if (known != null && "query".equals(p.getIn()) && p.getDescription() == null) {
          p.description(known[0]).example(known[1]);
        }
      }
    }
    operation.addParametersItem(
        new Parameter()
            .in("header")
            .name("X-Correlation-Id")
            .description(
                "Names the request in logs and on the events it causes (ce_correlationid); made up when absent")
            .schema(new StringSchema()));
    ApiResponses responses =
        operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
    error(responses, "400", "bad input: a one-line reason", "bad request: email must be a string");
    error(responses, "401", "no valid API key (authentication on)", "unauthorized");
    if (path.startsWith("/api/v1/admin/")) {
      error(responses, "403", "the key lacks the admin claim", "forbidden");
    }
    if (path.contains("{")) {
      error(responses, "404", "no such user or session", "not found");
    }
    boolean api = path.startsWith("/api/v1/") && !path.startsWith("/api/v1/admin/");
    if (api && method == PathItem.HttpMethod.GET) {
      operation.addParametersItem(
          new Parameter()
              .in("header")
              .name("X-Consistency-Token")
              .description(
                  "A write's X-Consistency-Token: the read waits until the read models include that write. "
                      + "Without it a read waits for everything written before it; see consistency=eventual")
              .example("2@0:57,2:13")
              .schema(new StringSchema()));
      operation.addParametersItem(
          new Parameter()
              .in("query")
              .name("consistency")
              .description(
                  "eventual: answer from the read models as they are, without waiting (also X-Zep-Consistency: eventual)")
              .schema(new StringSchema()._enum(List.of("eventual"))));
      error(
          responses,
          "503",
          "the read models did not include the writes before it within zep.consistency.read-timeout",
          "service unavailable: the read models are behind; retry");
    }
    if (api && method != PathItem.HttpMethod.GET) {
      error(
          responses,
          "409",
          "other requests kept changing the same user or session at the same moment (through another "
              + "instance); nothing was stored, send it again",
          "conflict: the same user or session was being changed by other requests at the same moment;"
              + " nothing was stored, send the request again");
      responses.forEach(
          (code, response) -> {
            if (code.startsWith("2")) {
              response.addHeaderObject(
                  "X-Consistency-Token",
                  new Header()
                      .description(
                          "Where the write's events are on the topic; send it with a read to see the write")
                      .schema(new StringSchema())
                      .example("2@0:57"));
              response.addHeaderObject(
                  "X-Consistency-Warning",
                  new Header()
                      .description(
                          "Present when the write is stored but Kafka did not acknowledge it in time")
                      .schema(new StringSchema()));
            }
          });
    }
    operation.responses(responses);
  }

  private static void example(Components components, String schema, Object example) {
    if (components.getSchemas() != null && components.getSchemas().get(schema) != null) {
      components.getSchemas().get(schema).example(example);
    }
  }

  private static void error(
      ApiResponses responses, String code, String description, String example) {
    if (responses.containsKey(code)) {
      return;
    }
    responses.addApiResponse(
        code,
        new ApiResponse()
            .description(description)
            .content(
                new Content()
                    .addMediaType(
                        "text/plain",
                        new MediaType()
                            .schema(new StringSchema())
                            .examples(Map.of("answer", new Example().value(example + "\n"))))));
  }

  /** For the services' own customizers: a JSON body with an example. */
  public static RequestBody jsonBody(String description, Object schemaExample) {
    return new RequestBody()
        .description(description)
        .required(true)
        .content(
            new Content()
                .addMediaType(
                    "application/json",
                    new MediaType()
                        .schema(new ObjectSchema())
                        .examples(Map.of("example", new Example().value(schemaExample)))));
  }

  /**
   * Sets the body of {@code method path} in {@code openApi}, when the document has that operation.
   */
  public static void body(
      OpenAPI openApi, PathItem.HttpMethod method, String path, RequestBody body) {
    if (openApi.getPaths() == null || openApi.getPaths().get(path) == null) {
      return;
    }
    Operation operation = openApi.getPaths().get(path).readOperationsMap().get(method);
    if (operation != null) {
      operation.requestBody(body);
    }
  }
}
