package io.zepusers.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.testinfra.ApiKeys;
import io.zepusers.testinfra.RouteProbe;
import io.zepusers.testinfra.TestInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With a secret configured, every API call needs a valid key, and the caller is recorded on the
 * events it causes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthIT {

  static final String SECRET = "it-secret-" + UUID.randomUUID();

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> TestInfra.newDatabase("commands_auth"));
    registry.add("zep.kafka.bootstrap-servers", TestInfra::kafkaBootstrapServers);
    registry.add("zep.kafka.topic", () -> TestInfra.uniqueName("auth-events"));
    registry.add("zep.auth.secret", () -> SECRET);
  }

  @TestConfiguration
  static class Probing {
    @Bean
    RouteProbe.Recorder routeProbeRecorder() {
      return new RouteProbe.Recorder();
    }
  }

  @LocalServerPort int port;
  @Autowired EventStore eventStore;
  @Autowired ApplicationContext context;
  @Autowired RouteProbe.Recorder recorder;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void callsWithoutAValidKeyAreRejectedWithOneLine() throws Exception {
    String body = "{\"user_id\":\"nobody-" + UUID.randomUUID() + "\"}";
    HttpResponse<String> none = send("POST", "/api/v1/user", body, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).isEqualTo("unauthorized\n");
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    HttpResponse<String> wrong =
        send("POST", "/api/v1/user", body, ApiKeys.sign("wrong-secret", "{\"sub\":\"x\"}"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer error=\"invalid_token\"");
    assertThat(send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void theCallerIsRecordedOnTheEvents() throws Exception {
    String userId = "keyed-" + UUID.randomUUID();
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/user",
            "{\"user_id\":\"" + userId + "\"}",
            ApiKeys.sign(SECRET, "{\"sub\":\"ops@example.com\"}"));
    assertThat(created.statusCode()).isEqualTo(201);
    Object actor =
        eventStore
            .readEvents(userId)
            .asStream()
            .findFirst()
            .orElseThrow()
            .getMetaData()
            .get("zep.actor");
    assertThat(actor).isEqualTo("ops@example.com");
  }

  @Test
  void administrativeCallsNeedTheAdminClaim() throws Exception {
    HttpResponse<String> plain =
        send("POST", "/api/v1/admin/republish", "", ApiKeys.sign(SECRET, "{\"sub\":\"dev\"}"));
    assertThat(plain.statusCode()).isEqualTo(403);
    assertThat(plain.body()).isEqualTo("forbidden: this call needs a token with the admin claim\n");
    assertThat(
            send("GET", "/admin/republish", null, ApiKeys.sign(SECRET, "{\"sub\":\"dev\"}"))
                .statusCode())
        .isEqualTo(403);
    assertThat(
            send(
                    "POST",
                    "/api/v1/admin/republish",
                    "",
                    ApiKeys.sign(SECRET, "{\"sub\":\"root\",\"admin\":true}"))
                .statusCode())
        .isIn(202, 409);
  }

  /**
   * Issue 8: the backend checked the raw URI while routing matched the decoded, matrix-stripped
   * path.
   */
  @Test
  void anEncodedPathDoesNotGetPastAuthentication() throws Exception {
    String userId = "bypass-" + UUID.randomUUID();
    HttpResponse<String> created =
        send("POST", "/%61pi/v1/user", "{\"user_id\":\"" + userId + "\"}", null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(401);
    assertThat(eventStore.readEvents(userId).asStream().count()).isZero();
    HttpResponse<String> matrix =
        send("POST", "/api;x=1/v1/user", "{\"user_id\":\"" + userId + "\"}", null);
    assertThat(matrix.statusCode()).isEqualTo(400);
    assertThat(matrix.body())
        .isEqualTo(
            "bad request: the request was rejected because the URL contained a potentially malicious String \";\"\n");
    assertThat(matrix.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(send("DELETE", "/%61pi/v1/user/" + userId, null, null).statusCode()).isEqualTo(401);
    String plainKey = ApiKeys.sign(SECRET, "{\"sub\":\"dev\"}");
    assertThat(send("POST", "/api/v1/%61dmin/republish", "", plainKey).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/api/v1/admin;x=1/republish", "", plainKey).statusCode())
        .isIn(400, 403);
    assertThat(send("GET", "/%61dmin/republish", null, plainKey).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/actuator/metrics", null, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/actuator/metrics", null, plainKey).statusCode()).isEqualTo(403);
  }

  /**
   * Every mapped route (controllers, the error page, actuator), spelled every way, with every kind
   * of key: without a valid key nothing but health is answered or reached, without the admin claim
   * no admin route is.
   */
  @Test
  void everyRouteEveryEncodingEveryKey() throws Exception {
    var routes = RouteProbe.routes(context);
    assertThat(routes)
        .extracting(r -> r.method() + " " + r.pattern())
        .contains(
            "POST /api/v1/user",
            "DELETE /api/v1/user/{userId}",
            "POST /api/v1/admin/republish",
            "GET /admin/republish",
            "GET /actuator/health",
            "GET /actuator/metrics");
    assertThat(new RouteProbe(base(), routes, RouteProbe.keys(SECRET), recorder).run()).isEmpty();
  }

  private HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
