package io.zepusers.gateway;

import static io.zepusers.gateway.GatewayIT.assertPlainTextError;
import static io.zepusers.gateway.ZepVersionAssert.assertZepVersion;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Both backends point at closed ports: liveness holds, everything else says which one is missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BackendsDownIT {

  @DynamicPropertySource
  static void backends(DynamicPropertyRegistry registry) {
    registry.add("zep.gateway.command-uri", () -> RecordingBackend.closedPortUri().toString());
    registry.add("zep.gateway.query-uri", () -> RecordingBackend.closedPortUri().toString());
  }

  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void readIsServiceUnavailableNamingTheQueryService() throws Exception {
    var response = send(request("/api/v1/user/u1").GET());

    assertPlainTextError(response, 503, "service unavailable: query-service is not reachable");
  }

  @Test
  void writeIsServiceUnavailableNamingTheCommandService() throws Exception {
    var response =
        send(request("/api/v1/user").POST(BodyPublishers.ofString("{\"user_id\":\"u1\"}")));

    assertPlainTextError(response, 503, "service unavailable: command-service is not reachable");
  }

  @Test
  void healthzDoesNotDependOnBackends() throws Exception {
    var response = send(request("/healthz").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(".");
    assertZepVersion(response);
  }

  @Test
  void readyzNamesBothMissingBackends() throws Exception {
    var response = send(request("/readyz").GET());

    assertPlainTextError(response, 503, "not ready: command-service, query-service");
  }

  @Test
  void theApiDescriptionIsABadGatewayWithoutTheServices() throws Exception {
    var response = send(request("/v3/api-docs").GET());

    assertPlainTextError(
        response, 502, "bad gateway: a service did not answer with its API description");
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
    return http.send(builder.build(), BodyHandlers.ofString());
  }
}
