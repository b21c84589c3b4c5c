package io.zepusers.gateway.health;

import io.zepusers.gateway.errors.PlainText;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Zep's liveness check (chi's {@code Heartbeat("/healthz")}): GET or HEAD answers 200, {@code
 * text/plain}, body {@code .}; never authenticated, never asks a backend. Repeated slashes are
 * collapsed first because zep-js with a base URL ending in {@code /} asks for {@code //healthz}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class HealthzFilter implements WebFilter {

  private static final Pattern SLASHES = Pattern.compile("/{2,}");

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    var request = exchange.getRequest();
    boolean readMethod =
        HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod());
    if (!readMethod || !isHealthz(request.getPath().pathWithinApplication().value())) {
      return chain.filter(exchange);
    }
    var response = exchange.getResponse();
    response.setStatusCode(HttpStatus.OK);
    response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
    return PlainText.body(response, ".");
  }

  static boolean isHealthz(String rawPath) {
    return SLASHES.matcher(rawPath).replaceAll("/").equalsIgnoreCase("/healthz");
  }
}
