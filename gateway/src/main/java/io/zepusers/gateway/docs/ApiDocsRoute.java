package io.zepusers.gateway.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zepusers.gateway.Backends;
import io.zepusers.gateway.GatewayProperties;
import io.zepusers.gateway.errors.PlainText;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v3/api-docs}: the whole HTTP API as one OpenAPI document, the two services' documents
 * merged (paths and their operations, schemas, security schemes, tags). Swagger UI ({@code
 * /swagger-ui.html}) shows it. The services answer for their own parts, so the document is always
 * theirs as deployed.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsRoute {

  private static final String DOCS_PATH = "/v3/api-docs";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Bean
  RouterFunction<ServerResponse> apiDocsRouterFunction(GatewayProperties properties) {
    Duration timeout = properties.responseTimeout();
    WebClient client =
        Backends.client(properties.connectTimeout(), timeout)
            .codecs(c -> c.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
            .build();
    return RouterFunctions.route()
        .GET(
            DOCS_PATH,
            request ->
                Mono.zip(
                        fetch(client, properties.commandUri()),
                        fetch(client, properties.queryUri()))
                    .map(docs -> merge(docs.getT1(), docs.getT2()))
                    .flatMap(
                        merged ->
                            ServerResponse.ok()
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(merged.toString()))
                    .onErrorResume(
                        e ->
                            PlainText.answer(
                                HttpStatus.BAD_GATEWAY,
                                "bad gateway: a service did not answer with its API description")))
        .build();
  }

  private static Mono<JsonNode> fetch(WebClient client, URI base) {
    return client
        .get()
        .uri(Backends.resolve(base, DOCS_PATH))
        .retrieve()
        .bodyToMono(String.class)
        .map(ApiDocsRoute::parse);
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON", e);
    }
  }

  /** One document: the first's, with the second's paths, operations, components and tags added. */
  static ObjectNode merge(JsonNode first, JsonNode second) {
    ObjectNode merged = first.deepCopy();
    ObjectNode info = merged.putObject("info");
    info.put("title", "zep-users");
    info.put("version", first.path("info").path("version").asText("1"));
    info.put("description", first.path("info").path("description").asText(""));
    merged.remove(
        "servers"); // the services' own addresses; through the gateway the API is at its origin
    ObjectNode paths = child(merged, "paths");
    for (Iterator<Map.Entry<String, JsonNode>> it = second.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      ObjectNode target = child(paths, path.getKey());
      path.getValue().fields().forEachRemaining(op -> target.set(op.getKey(), op.getValue()));
    }
    ObjectNode components = child(merged, "components");
    for (Iterator<Map.Entry<String, JsonNode>> it = second.path("components").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> kind = it.next();
      ObjectNode target = child(components, kind.getKey());
      kind.getValue().fields().forEachRemaining(c -> target.set(c.getKey(), c.getValue()));
    }
    if (second.has("tags")) {
      ArrayNode tags =
          merged.get("tags") instanceof ArrayNode existing ? existing : merged.putArray("tags");
      second
          .path("tags")
          .forEach(
              tag -> {
                boolean known = false;
                for (JsonNode t : tags) {
                  known |= t.path("name").equals(tag.path("name"));
                }
                if (!known) {
                  tags.add(tag);
                }
              });
    }
    return merged;
  }

  private static ObjectNode child(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode existing ? existing : parent.putObject(name);
  }
}
