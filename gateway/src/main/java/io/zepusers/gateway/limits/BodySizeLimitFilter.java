package io.zepusers.gateway.limits;

import io.zepusers.gateway.GatewayProperties;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Zep's 5 MiB request limit. A declared Content-Length over the limit is refused before any byte is
 * read. A body without a length (chunked) is counted while it streams to the backend and fails the
 * exchange once it passes the limit; the error handler turns that into 413 as long as the backend
 * has not started answering.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class BodySizeLimitFilter implements WebFilter {

  private final long limit;

  public BodySizeLimitFilter(GatewayProperties properties) {
    this.limit = properties.maxBodySize().toBytes();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    long declared = request.getHeaders().getContentLength();
    if (declared > limit) {
      return Mono.error(new RequestBodyTooLargeException(limit));
    }
    if (declared >= 0) {
      // The server never reads past a declared length, so nothing more to check.
      return chain.filter(exchange);
    }
    ServerHttpRequest counted =
        new ServerHttpRequestDecorator(request) {
          @Override
          public Flux<DataBuffer> getBody() {
            return Flux.defer(
                () -> {
                  AtomicLong seen = new AtomicLong();
                  return super.getBody()
                      .handle(
                          (buffer, sink) -> {
                            if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                              DataBufferUtils.release(buffer);
                              sink.error(new RequestBodyTooLargeException(limit));
                            } else {
                              sink.next(buffer);
                            }
                          });
                });
          }
        };
    return chain.filter(exchange.mutate().request(counted).build());
  }
}
