package io.zepusers.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.testinfra.ApiKeys;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With a secret configured, every API call needs a valid key, and the caller is recorded on the events it causes. */
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

  @LocalServerPort int port;
  @Autowired EventStore eventStore;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void callsWithoutAValidKeyAreRejectedWithOneLine() throws Exception {
    String body = "{\"user_id\":\"nobody-" + UUID.randomUUID() + "\"}";
    HttpResponse<String> none = post("/api/v1/user", body, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).isEqualTo("unauthorized\n");
    assertThat(post("/api/v1/user", body, ApiKeys.sign("wrong-secret", "{\"sub\":\"x\"}")).statusCode()).isEqualTo(401);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void theCallerIsRecordedOnTheEvents() throws Exception {
    String userId = "keyed-" + UUID.randomUUID();
    HttpResponse<String> created = post("/api/v1/user", "{\"user_id\":\"" + userId + "\"}", ApiKeys.sign(SECRET, "{\"sub\":\"ops@example.com\"}"));
    assertThat(created.statusCode()).isEqualTo(201);
    Object actor = eventStore.readEvents(userId).asStream().findFirst().orElseThrow().getMetaData().get("zep.actor");
    assertThat(actor).isEqualTo("ops@example.com");
  }

  @Test
  void administrativeCallsNeedTheAdminClaim() throws Exception {
    HttpResponse<String> plain = post("/api/v1/admin/republish", "", ApiKeys.sign(SECRET, "{\"sub\":\"dev\"}"));
    assertThat(plain.statusCode()).isEqualTo(403);
    assertThat(plain.body()).startsWith("forbidden:");
    assertThat(post("/api/v1/admin/republish", "", ApiKeys.sign(SECRET, "{\"sub\":\"root\",\"admin\":true}")).statusCode()).isEqualTo(202);
  }

  private HttpResponse<String> post(String path, String body, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
