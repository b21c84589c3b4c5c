package io.zepusers.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.testinfra.ApiKeys;
import io.zepusers.testinfra.TestInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
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
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", TestInfra.kafkaBootstrapServers()))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(TOPIC, 1, (short) 1))).all().get();
    }
  }

  @LocalServerPort int port;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readsNeedAValidKeyAndTheRebuildTheAdminClaim() throws Exception {
    HttpResponse<String> none = get("/api/v1/user", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).isEqualTo("unauthorized\n");
    assertThat(get("/api/v1/user", "Bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"reader\"}")).statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/user", "bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"reader\"}")).statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/admin/rebuild", "Bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"reader\"}")).statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/admin/rebuild", "Bearer " + ApiKeys.sign(SECRET, "{\"sub\":\"root\",\"admin\":true}")).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
