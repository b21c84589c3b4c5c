package io.zepusers.gateway.errors;

import io.netty.handler.timeout.ReadTimeoutException;
import io.zepusers.gateway.GatewayProperties;
import io.zepusers.gateway.inbound.RequestBodyException;
import io.zepusers.gateway.limits.RequestBodyTooLargeException;
import io.zepusers.gateway.routing.BackendRoutes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every error the gateway itself produces is one line of text/plain, like Zep's {@code http.Error};
 * Spring's JSON error page never shows. Ordered ahead of Boot's {@code
 * DefaultErrorWebExceptionHandler} (order -1).
 */
@Component
@Order(-2)
class PlainTextErrorHandler implements ErrorWebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(PlainTextErrorHandler.class);

  private final String responseTimeout;

  public PlainTextErrorHandler(GatewayProperties properties) {
    this.responseTimeout = PlainText.duration(properties.responseTimeout());
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
    var response = exchange.getResponse();
    if (response.isCommitted()) {
      // The backend's answer is already on its way; all we can do is drop the connection.
      log.warn(
          "{} {} failed after the response started: {}",
          exchange.getRequest().getMethod(),
          exchange.getRequest().getPath(),
          ex.toString());
      return Mono.error(ex);
    }
    Answer answer = answer(exchange, ex);
    response.getHeaders().remove("Content-Length");
    response.getHeaders().remove("Transfer-Encoding");
    return PlainText.line(response, answer.status(), answer.message());
  }

  private Answer answer(ServerWebExchange exchange, Throwable ex) {
    if (find(ex, RequestBodyTooLargeException.class) != null) {
      return new Answer(HttpStatus.PAYLOAD_TOO_LARGE, "request body too large");
    }
    RequestBodyException brokenBody = find(ex, RequestBodyException.class);
    if (brokenBody != null) {
      return new Answer(brokenBody.getStatusCode(), brokenBody.line());
    }
    if (isBackendTimeout(ex)) {
      log.warn("{} did not answer within {}", service(exchange), responseTimeout);
      return new Answer(
          HttpStatus.GATEWAY_TIMEOUT,
          "gateway timeout: " + service(exchange) + " did not answer within " + responseTimeout);
    }
    if (ex instanceof ResponseStatusException rse) {
      if (rse.getStatusCode().is5xxServerError()) {
        log.error(
            "{} {}: {}",
            exchange.getRequest().getMethod(),
            exchange.getRequest().getPath(),
            ex.toString(),
            ex);
      }
      return new Answer(rse.getStatusCode(), messageFor(rse.getStatusCode()));
    }
    if (find(ex, ConnectException.class) != null
        || find(ex, UnknownHostException.class) != null
        || find(ex, NoRouteToHostException.class) != null) {
      log.warn("{} is not reachable: {}", service(exchange), ex.toString());
      return new Answer(
          HttpStatus.SERVICE_UNAVAILABLE,
          "service unavailable: " + service(exchange) + " is not reachable");
    }
    if (find(ex, IOException.class) != null && service(exchange) != null) {
      // e.g. reactor-netty's PrematureCloseException: connected, but no usable answer
      log.warn("{} failed: {}", service(exchange), ex.toString());
      return new Answer(
          HttpStatus.BAD_GATEWAY, "bad gateway: " + service(exchange) + " did not answer");
    }
    log.error(
        "{} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
    return new Answer(HttpStatus.INTERNAL_SERVER_ERROR, "internal server error");
  }

  /**
   * Reactor Netty's response timeout on the backend connection. A client that goes silent arrives
   * as a {@link RequestBodyException} instead, so this is always the backend's slowness.
   */
  private static boolean isBackendTimeout(Throwable ex) {
    return find(ex, ReadTimeoutException.class) != null
        || find(ex, TimeoutException.class) != null
        || ex instanceof ResponseStatusException rse && rse.getStatusCode().value() == 504;
  }

  private static String service(ServerWebExchange exchange) {
    Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
    Object service = route == null ? null : route.getMetadata().get(BackendRoutes.SERVICE);
    return service == null ? "backend" : service.toString();
  }

  private static String messageFor(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null
        ? "error " + status.value()
        : known.getReasonPhrase().toLowerCase(Locale.ROOT);
  }

  private static <T extends Throwable> T find(Throwable ex, Class<T> type) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private record Answer(HttpStatusCode status, String message) {}
}
