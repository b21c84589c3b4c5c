package io.zepusers.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Without {@code zep.auth.secret} everything is open, as before Spring Security; only the firewall
 * still says no.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = AuthOffTest.App.class)
class AuthOffTest {

  @EnableAutoConfiguration
  @Import(Things.class)
  static class App {}

  @RestController
  static class Things {
    @GetMapping("/api/v1/things/{id}")
    String thing(@PathVariable String id, HttpServletRequest request) {
      return id
          + " by "
          + (request.getUserPrincipal() == null ? "nobody" : request.getUserPrincipal().getName());
    }

    @PostMapping("/api/v1/admin/things")
    String admin() {
      return "done";
    }
  }

  @LocalServerPort int port;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everythingIsPermittedAndNobodyIsTheCaller() throws Exception {
    assertThat(send("GET", "/api/v1/things/a", "Bearer garbage").body()).isEqualTo("a by nobody");
    assertThat(send("POST", "/api/v1/admin/things", null).statusCode()).isEqualTo(200);
  }

  @Test
  void idsMayHoldAnEncodedSlashPercentAndUtf8() throws Exception {
    HttpResponse<String> thing = send("GET", "/api/v1/things/a%2Fb%25c%C3%A9", null);
    assertThat(thing.statusCode()).isEqualTo(200);
    assertThat(thing.body()).isEqualTo("a/b%cé by nobody");
  }

  @Test
  void whatTheFirewallRefusesIsOneLineOfText() throws Exception {
    for (String path :
        new String[] {
          "/api;x=1/v1/things/a",
          "/api/v1/things/a%5Cb",
          "/api/v1/things/%2e%2e",
          "/api//v1/things/a",
          "/api/v1/x/../things/a"
        }) {
      HttpResponse<String> refused = send("GET", path, null);
      assertThat(refused.statusCode()).as(path).isEqualTo(400);
      assertThat(refused.headers().firstValue("Content-Type").orElse(""))
          .as(path)
          .startsWith("text/plain");
      assertThat(refused.body())
          .as(path)
          .startsWith("bad request: ")
          .endsWith("\n")
          .hasLineCount(1);
    }
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
