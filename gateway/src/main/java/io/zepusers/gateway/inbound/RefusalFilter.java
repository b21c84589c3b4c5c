package io.zepusers.gateway.inbound;

import io.zepusers.gateway.errors.PlainText;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Answers the stand-in requests {@link InboundGuard} sends for what it refused, before anything
 * routes them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RefusalFilter implements WebFilter {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String marker = exchange.getRequest().getHeaders().getFirst(Refusal.HEADER);
    if (marker == null) {
      return chain.filter(exchange);
    }
    Refusal refusal = Refusal.parse(marker);
    var response = exchange.getResponse();
    response.getHeaders().set("Connection", "close");
    return PlainText.line(response, HttpStatusCode.valueOf(refusal.status()), refusal.line());
  }
}
