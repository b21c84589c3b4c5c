package io.zepusers.gateway.routing;

import io.zepusers.gateway.errors.PlainText;
import java.util.List;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Only methods a Zep API could answer go on to a backend; CONNECT, TRACE and unknown ones get 405
 * here. Forwarded, they reached a backend that has no use for them (which answered 501), and
 * Netty's HTTP client takes a 2xx answer to CONNECT for the start of a tunnel and waits.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class AllowedMethodsFilter implements WebFilter {

  private static final List<HttpMethod> ALLOWED =
      List.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.PATCH,
          HttpMethod.DELETE,
          HttpMethod.OPTIONS);
  private static final Set<HttpMethod> ALLOWED_SET = Set.copyOf(ALLOWED);
  private static final String ALLOW =
      String.join(", ", ALLOWED.stream().map(HttpMethod::name).toList());

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HttpMethod method = exchange.getRequest().getMethod();
    if (ALLOWED_SET.contains(method)) {
      return chain.filter(exchange);
    }
    var response = exchange.getResponse();
    response.getHeaders().set("Allow", ALLOW);
    return PlainText.line(
        response, HttpStatus.METHOD_NOT_ALLOWED, "method not allowed: " + method.name());
  }
}
