package io.zepusers.gateway.health;

import io.zepusers.gateway.Backends;
import io.zepusers.gateway.GatewayProperties;
import io.zepusers.gateway.errors.PlainText;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /readyz} (ours, not Zep's): 200 {@code ready} only when both backends' actuator health
 * answers 200, else 503 {@code not ready: <services>}. Liveness stays on /healthz, which never
 * looks at the backends.
 */
@Configuration(proxyBeanMethods = false)
class ReadinessRoute {

  private static final String HEALTH_PATH = "/actuator/health";

  @Bean
  RouterFunction<ServerResponse> readinessRouterFunction(GatewayProperties properties) {
    Duration timeout = properties.connectTimeout();
    WebClient client = Backends.client(timeout, timeout).build();
    return RouterFunctions.route()
        .GET(
            "/readyz",
            request ->
                Mono.zip(
                        isUp(client, properties.commandUri(), timeout),
                        isUp(client, properties.queryUri(), timeout))
                    .flatMap(
                        up -> {
                          List<String> down = new ArrayList<>();
                          if (!up.getT1()) {
                            down.add("command-service");
                          }
                          if (!up.getT2()) {
                            down.add("query-service");
                          }
                          return down.isEmpty()
                              ? PlainText.answer(HttpStatus.OK, "ready")
                              : PlainText.answer(
                                  HttpStatus.SERVICE_UNAVAILABLE,
                                  "not ready: " + String.join(", ", down));
                        }))
        .build();
  }

  private static Mono<Boolean> isUp(WebClient client, URI base, Duration timeout) {
    URI health = Backends.resolve(base, HEALTH_PATH);
    return client
        .get()
        .uri(health)
        .exchangeToMono(
            response -> response.releaseBody().thenReturn(response.statusCode().value() == 200))
        .timeout(timeout.multipliedBy(2))
        .onErrorReturn(false);
  }
}
