package io.zepusers.gateway.version;

import io.zepusers.gateway.GatewayProperties;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Stamps {@code X-Zep-Version: <version>-<build> (<time>)} on every response, as Zep's {@code
 * SendVersion} middleware does. Set just before commit so that it also lands on error responses and
 * overrides anything a backend might send.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ZepVersionHeaderFilter implements WebFilter {

  public static final String HEADER = "X-Zep-Version";

  private final String value;

  public ZepVersionHeaderFilter(GatewayProperties properties) {
    String time =
        properties.buildTime().isBlank()
            ? Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()
            : properties.buildTime();
    this.value = properties.version() + "-" + properties.build() + " (" + time + ")";
  }

  public String value() {
    return value;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    var response = exchange.getResponse();
    response.beforeCommit(
        () -> {
          response.getHeaders().set(HEADER, value);
          return Mono.empty();
        });
    return chain.filter(exchange);
  }
}
