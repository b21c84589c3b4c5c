package io.zepusers.command.config;

import static io.zepusers.web.docs.ApiDocumentation.body;
import static io.zepusers.web.docs.ApiDocumentation.jsonBody;

import io.swagger.v3.oas.models.PathItem.HttpMethod;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The write bodies in the OpenAPI document: the controllers read their JSON themselves (as Zep
 * does, whatever the Content-Type), so springdoc cannot see them.
 */
@Configuration(proxyBeanMethods = false)
class WriteBodies {

  @Bean
  OpenApiCustomizer writeBodiesDocumentation() {
    return openApi -> {
      body(
          openApi,
          HttpMethod.POST,
          "/api/v1/user",
          jsonBody(
              "A new user: user_id is required (at most 1,000 characters); the rest optional. Metadata is any JSON object.",
              Map.of(
                  "user_id",
                  "alice",
                  "email",
                  "alice@example.com",
                  "first_name",
                  "Alice",
                  "last_name",
                  "Liddell",
                  "metadata",
                  Map.of("plan", Map.of("tier", "pro", "seats", 3)))));
      body(
          openApi,
          HttpMethod.PATCH,
          "/api/v1/user/{userId}",
          jsonBody(
              "The fields to change; metadata is merged deeply into the stored metadata.",
              Map.of("first_name", "Alicia", "metadata", Map.of("plan", Map.of("tier", "team")))));
      body(
          openApi,
          HttpMethod.POST,
          "/api/v1/sessions",
          jsonBody(
              "A new session: session_id is required; user_id names an existing user, or is left out.",
              Map.of(
                  "session_id", "s-1", "user_id", "alice", "metadata", Map.of("channel", "web"))));
      body(
          openApi,
          HttpMethod.PATCH,
          "/api/v1/sessions/{sessionId}",
          jsonBody(
              "The session's metadata to merge.", Map.of("metadata", Map.of("topic", "billing"))));
    };
  }
}
