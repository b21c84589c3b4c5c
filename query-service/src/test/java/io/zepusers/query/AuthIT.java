package io.zepusers.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.testinfra.ApiKeys;
import io.zepusers.testinfra.RouteProbe;
import io.zepusers.testinfra.TestInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With a secret configured, reads need a valid key too, and the rebuild needs the admin claim. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthIT {

  static final String SECRET = "it-secret-" + UUID.randomUUID();
  static final String TOPIC = TestInfra.uniqueName("auth-query-events");

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> TestInfra.newDatabase("queries_auth"));
    registry.add("zep.kafka.bootstrap-servers", TestInfra::kafkaBootstrapServers);
    registry.add("zep.kafka.topic", () -> TOPIC);
    registry.add("zep.kafka.group-id", () -> TestInfra.uniqueName("auth-it"));
    registry.add("zep.auth.secret", () -> SECRET);
  }

  @BeforeAll
  static void topic() throws Exception {
    TestInfra.createEventTopic(TOPIC, 1);
  }

  @TestConfiguration
  static class Probing {
    @Bean
    RouteProbe.Recorder routeProbeRecorder() {
      return new RouteProbe.Recorder();
    }
  }

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired RouteProbe.Recorder recorder;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readsNeedAValidKeyAndTheRebuildTheAdminClaim() throws Exception {
    HttpResponse<String> none = get("/api/v1/user", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).isEqualTo("unauthorized\n");
    assertThat(
            get("/api/v1/user", "Bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"reader\"}"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            get("/api/v1/user", "bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"reader\"}"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            get("/api/v1/admin/rebuild", "Bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"reader\"}"))
                .statusCode())
        .isEqualTo(403);
    assertThat(
            get(
                    "/api/v1/admin/rebuild",
                    "Bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"root\",\"admin\":true}"))
                .statusCode())
        .isEqualTo(200);
  }

  /**
   * Issue 8: the backend checked the raw URI while routing matched the decoded, matrix-stripped
   * path.
   */
  @Test
  void anEncodedPathDoesNotGetPastAuthentication() throws Exception {
    assertThat(get("/%61pi/v1/user", null).statusCode()).isEqualTo(401);
    assertThat(get("/api;x=1/v1/user", null).statusCode()).isIn(400, 401);
    String plainKey = "Bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"reader\"}");
    assertThat(send("POST", "/api/v1/%61dmin/rebuild", plainKey).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/api/v1/admin;x=1/rebuild", plainKey).statusCode()).isIn(400, 403);
    assertThat(get("/actuator/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("/actuator/metrics", plainKey).statusCode()).isEqualTo(403);
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
            "GET /api/v1/user",
            "GET /api/v1/user/{userId}/events",
            "POST /api/v1/admin/rebuild",
            "GET /actuator/health",
            "GET /actuator/metrics");
    assertThat(
            new RouteProbe("http://127.0.0.1:" + port, routes, RouteProbe.keys(SECRET), recorder)
                .run())
        .isEmpty();
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    return send("GET", path, authorization);
  }

  private HttpResponse<String> send(String method, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
