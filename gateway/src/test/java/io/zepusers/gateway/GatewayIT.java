package io.zepusers.gateway;

import static io.zepusers.gateway.ZepVersionAssert.assertZepVersion;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The gateway on a real port, between a real HTTP client and two recording backends. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayIT {

  private static final int LIMIT = 16 * 1024;
  private static final String TOKEN = "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig";

  static final RecordingBackend command = RecordingBackend.start("command");
  static final RecordingBackend query = RecordingBackend.start("query");

  @DynamicPropertySource
  static void backends(DynamicPropertyRegistry registry) {
    registry.add("zep.gateway.command-uri", () -> command.uri().toString());
    registry.add("zep.gateway.query-uri", () -> query.uri().toString());
    registry.add("zep.gateway.max-body-size", () -> LIMIT + "B");
    registry.add("zep.gateway.response-timeout", () -> "1s");
  }

  @AfterAll
  static void stopBackends() {
    command.close();
    query.close();
  }

  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void resetBackends() {
    command.reset();
    query.reset();
  }

  // --- routing by method -------------------------------------------------------------

  @Test
  void getGoesToQueryServiceWithPathQueryAndAuthorizationIntact() throws Exception {
    query.answer(200, "application/json", "[{\"user_id\":\"a b\"}]\n");

    var response = send(request("/api/v1/user/a%20b/sessions?limit=10&cursor=2&x=a%26b").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[{\"user_id\":\"a b\"}]\n");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("X-Backend")).hasValue("query");
    assertZepVersion(response);
    var received = query.nextRequest();
    assertThat(received.method()).isEqualTo("GET");
    assertThat(received.rawPath()).isEqualTo("/api/v1/user/a%20b/sessions");
    assertThat(received.rawQuery()).isEqualTo("limit=10&cursor=2&x=a%26b");
    assertThat(received.headers().getFirst("Authorization")).isEqualTo(TOKEN);
    assertThat(command.receivedNothing()).isTrue();
  }

  @Test
  void encodedSlashInAnIdStaysEncoded() throws Exception {
    var response = send(request("/api/v1/user/a%2Fb").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(query.nextRequest().rawPath()).isEqualTo("/api/v1/user/a%2Fb");
  }

  @Test
  void percentEncodedCharactersInAnIdReachTheBackendExactlyAsSent() throws Exception {
    String path = "/api/v1/user/a%2Fb%25c%5Cd%C3%A9%E2%82%AC%F0%9F%91%8D";

    var response = send(request(path).GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(query.nextRequest().rawPath()).isEqualTo(path);
  }

  @Test
  void idOfAThousandFourByteCharactersFitsAndIsForwardedRaw() throws Exception {
    // 1,000 characters of 4 bytes each, percent-encoded: 12,000 bytes of path
    String id = "%F0%9F%91%8D".repeat(1_000);

    var response =
        send(request("/api/v1/user/" + id).method("PATCH", BodyPublishers.ofString("{}")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(command.nextRequest().rawPath()).isEqualTo("/api/v1/user/" + id);
  }

  @Test
  void headGoesToQueryService() throws Exception {
    var response = send(request("/api/v1/user/u1").method("HEAD", BodyPublishers.noBody()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertZepVersion(response);
    var received = query.nextRequest();
    assertThat(received.method()).isEqualTo("HEAD");
    assertThat(received.rawPath()).isEqualTo("/api/v1/user/u1");
    assertThat(command.receivedNothing()).isTrue();
  }

  @Test
  void postGoesToCommandServiceAndItsCreatedAnswerComesBackUnchanged() throws Exception {
    String body = "{\"user_id\":\"u1\",\"email\":\"a@b.c\",\"metadata\":{\"a\":{\"b\":1}}}";
    command.answer(201, "application/json", "{\"uuid\":\"x\",\"id\":1,\"user_id\":\"u1\"}\n");

    var response =
        send(
            request("/api/v1/user")
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body)));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEqualTo("{\"uuid\":\"x\",\"id\":1,\"user_id\":\"u1\"}\n");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("X-Backend")).hasValue("command");
    assertZepVersion(response);
    var received = command.nextRequest();
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.rawPath()).isEqualTo("/api/v1/user");
    assertThat(received.body()).isEqualTo(body);
    assertThat(received.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(received.headers().getFirst("Authorization")).isEqualTo(TOKEN);
    assertThat(query.receivedNothing()).isTrue();
  }

  @Test
  void patchGoesToCommandServiceWithBodyAndEncodedId() throws Exception {
    String body = "{\"user_id\":\"a/b\",\"email\":\"new@b.c\"}";

    var response =
        send(request("/api/v1/user/a%2Fb").method("PATCH", BodyPublishers.ofString(body)));

    assertThat(response.statusCode()).isEqualTo(200);
    var received = command.nextRequest();
    assertThat(received.method()).isEqualTo("PATCH");
    assertThat(received.rawPath()).isEqualTo("/api/v1/user/a%2Fb");
    assertThat(received.body()).isEqualTo(body);
    assertThat(received.headers().getFirst("Authorization")).isEqualTo(TOKEN);
    assertThat(query.receivedNothing()).isTrue();
  }

  @Test
  void deleteGoesToCommandService() throws Exception {
    command.answer(200, "text/plain; charset=utf-8", "OK");

    var response = send(request("/api/v1/sessions/s%201/memory").DELETE());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("OK");
    var received = command.nextRequest();
    assertThat(received.method()).isEqualTo("DELETE");
    assertThat(received.rawPath()).isEqualTo("/api/v1/sessions/s%201/memory");
    assertThat(query.receivedNothing()).isTrue();
  }

  @Test
  void rebuildingTheReadModelsGoesToQueryServiceWhateverTheMethod() throws Exception {
    query.answer(202, "application/json", "{}");

    var response = send(request("/api/v1/admin/rebuild").POST(HttpRequest.BodyPublishers.noBody()));

    assertThat(response.statusCode()).isEqualTo(202);
    var received = query.nextRequest();
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.rawPath()).isEqualTo("/api/v1/admin/rebuild");
    assertThat(command.receivedNothing()).isTrue();
  }

  @Test
  void topicGenerationsAndTheStoresHistoryGoToCommandServiceWhateverTheMethod() throws Exception {
    for (String path :
        List.of(
            "/api/v1/admin/generations",
            "/api/v1/admin/generations/2",
            "/api/v1/admin/events?user_id=u1")) {
      command.answer(200, "application/json", "[]");

      var response = send(request(path).GET());

      assertThat(response.statusCode()).isEqualTo(200);
      var received = command.nextRequest();
      assertThat(received.method()).isEqualTo("GET");
      assertThat(received.rawPath()).isEqualTo(path.replaceFirst("\\?.*", ""));
      assertThat(query.receivedNothing()).isTrue();
    }
  }

  @Test
  void backendErrorsPassThroughUnchanged() throws Exception {
    query.answer(404, "text/plain; charset=utf-8", "not found\n");

    var response = send(request("/api/v1/user/nope").GET());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("not found\n");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(response.headers().firstValue("X-Backend")).hasValue("query");
    assertZepVersion(response);
  }

  // --- health and version ------------------------------------------------------------

  @Test
  void healthzAnswersDotForGetAndHeadWithAndWithoutDoubleSlash() throws Exception {
    for (String path : new String[] {"/healthz", "//healthz"}) {
      var get = send(request(path).GET());
      assertThat(get.statusCode()).as("GET %s", path).isEqualTo(200);
      assertThat(get.body()).as("GET %s", path).isEqualTo(".");
      assertThat(get.headers().firstValue("Content-Type"))
          .as("GET %s", path)
          .hasValue("text/plain");
      assertZepVersion(get);

      var head = send(request(path).method("HEAD", BodyPublishers.noBody()));
      assertThat(head.statusCode()).as("HEAD %s", path).isEqualTo(200);
      assertThat(head.body()).as("HEAD %s", path).isEmpty();
      assertThat(head.headers().firstValue("Content-Type"))
          .as("HEAD %s", path)
          .hasValue("text/plain");
      assertZepVersion(head);
    }
    assertThat(query.receivedNothing()).isTrue();
    assertThat(command.receivedNothing()).isTrue();
  }

  @Test
  void readyzIsReadyWhenBothBackendsAreHealthy() throws Exception {
    var response = send(request("/readyz").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ready\n");
    assertZepVersion(response);
  }

  @Test
  void ownActuatorHealthIsUp() throws Exception {
    var response = send(request("/actuator/health").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"UP\"");
    assertZepVersion(response);
  }

  @Test
  void ownPrometheusScrapeAnswers() throws Exception {
    var response = send(request("/actuator/prometheus").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("jvm_memory_used_bytes");
  }

  @Test
  void apiDocsAreBothServicesDocumentsInOneAndSwaggerUiShowsThem() throws Exception {
    command.answer(
        200,
        "application/json",
        "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"zep-users: command-service\",\"version\":\"1\"},"
            + "\"servers\":[{\"url\":\"http://127.0.0.1:1\"}],"
            + "\"paths\":{\"/api/v1/user\":{\"post\":{\"operationId\":\"create\"}}},"
            + "\"components\":{\"schemas\":{\"UserView\":{\"type\":\"object\"}}}}");
    query.answer(
        200,
        "application/json",
        "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"zep-users: query-service\",\"version\":\"1\"},"
            + "\"paths\":{\"/api/v1/user\":{\"get\":{\"operationId\":\"list\"}},\"/api/v1/sessions\":{\"get\":{}}},"
            + "\"components\":{\"schemas\":{\"SessionView\":{\"type\":\"object\"}}}}");

    var response = send(request("/v3/api-docs").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    var doc = new ObjectMapper().readTree(response.body());
    assertThat(doc.path("paths").path("/api/v1/user").has("post")).isTrue();
    assertThat(doc.path("paths").path("/api/v1/user").has("get")).isTrue();
    assertThat(doc.path("paths").has("/api/v1/sessions")).isTrue();
    assertThat(doc.path("components").path("schemas").has("UserView")).isTrue();
    assertThat(doc.path("components").path("schemas").has("SessionView")).isTrue();
    assertThat(doc.has("servers")).isFalse();

    var ui = send(request("/swagger-ui.html").GET());
    assertThat(ui.statusCode()).isIn(200, 302);
    var page = send(request("/webjars/swagger-ui/index.html").GET());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("swagger-ui");
    var config = send(request("/v3/api-docs/gateway/swagger-config").GET());
    assertThat(config.body()).contains("\"url\":\"/v3/api-docs\"");
  }

  // --- gateway's own errors ----------------------------------------------------------

  @Test
  void unknownPathIsAPlainTextNotFound() throws Exception {
    var response = send(request("/v1/user/u1").GET());

    assertPlainTextError(response, 404, "not found");
    assertThat(query.receivedNothing()).isTrue();
  }

  @Test
  void bodyOverTheLimitWithContentLengthIs413AndNeverReachesTheBackend() throws Exception {
    var response = send(request("/api/v1/user").POST(BodyPublishers.ofByteArray(json(LIMIT + 1))));

    assertPlainTextError(response, 413, "request body too large");
    assertThat(command.receivedNothing()).isTrue();
  }

  @Test
  void chunkedBodyOverTheLimitIs413() throws Exception {
    byte[] tooBig = json(LIMIT + 1);

    var response =
        send(
            request("/api/v1/user")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooBig))));

    assertPlainTextError(response, 413, "request body too large");
    assertThat(command.receivedNothing()).isTrue();
  }

  @Test
  void chunkedBodyWithinTheLimitIsForwardedWhole() throws Exception {
    byte[] fits = json(LIMIT);

    var response =
        send(
            request("/api/v1/user")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(fits))));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(command.nextRequest().body()).isEqualTo(new String(fits, StandardCharsets.UTF_8));
  }

  @Test
  void slowBackendIsAGatewayTimeout() throws Exception {
    var response = send(request("/api/v1/slow").GET());

    assertPlainTextError(response, 504, "gateway timeout: query-service did not answer within 1s");
    query.releaseSlowRequests();
  }

  @Test
  void backendThatHangsUpWithoutAnsweringIsABadGateway() throws Exception {
    var response = send(request("/api/v1/drop").GET());

    assertPlainTextError(response, 502, "bad gateway: query-service did not answer");
  }

  // --- helpers -----------------------------------------------------------------------

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .header("Authorization", TOKEN)
        .timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
    return http.send(builder.build(), BodyHandlers.ofString());
  }

  /** A JSON document of exactly {@code size} bytes. */
  private static byte[] json(int size) {
    String prefix = "{\"user_id\":\"u1\",\"first_name\":\"";
    String suffix = "\"}";
    return (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix)
        .getBytes(StandardCharsets.UTF_8);
  }

  static void assertPlainTextError(HttpResponse<String> response, int status, String line) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).isEqualTo(line + "\n");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertZepVersion(response);
  }
}
