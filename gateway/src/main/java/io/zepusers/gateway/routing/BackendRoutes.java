package io.zepusers.gateway.routing;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;

import io.zepusers.gateway.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * CQRS split by HTTP method: reads (GET, HEAD) to the query-service, everything else to the
 * command-service; except the rebuild of the read models, which the query-service owns whatever the
 * method. Path, query string and headers go through untouched; Spring Cloud Gateway keeps
 * percent-encoded segments such as {@code a%2Fb} encoded.
 */
@Configuration(proxyBeanMethods = false)
public class BackendRoutes {

  public static final String QUERY_SERVICE = "query-service";
  public static final String COMMAND_SERVICE = "command-service";

  /** Route metadata naming the backend, for "service unavailable: ... is not reachable". */
  public static final String SERVICE = "service";

  private static final String API = "/api/**";
  private static final String READ_MODEL_ADMIN = "/api/v1/admin/rebuild";

  /** Topic generations and the event store's history live on the write side, GETs included. */
  private static final String[] WRITE_SIDE_ADMIN = {
    "/api/v1/admin/generations", "/api/v1/admin/generations/**", "/api/v1/admin/events"
  };

  /**
   * The response timeout is Reactor Netty's, which starts once the request is sent whole, so a
   * client that uploads slowly is never mistaken for a slow backend. Spring Cloud Gateway's own
   * (route metadata) would count from the first byte of the upload.
   */
  @Bean
  HttpClientCustomizer backendResponseTimeout(GatewayProperties properties) {
    return client -> client.responseTimeout(properties.responseTimeout());
  }

  @Bean
  RouteLocator backendRouteLocator(RouteLocatorBuilder routes, GatewayProperties properties) {
    int connectMillis = Math.toIntExact(properties.connectTimeout().toMillis());
    return routes
        .routes()
        .route(
            "read-model-admin",
            r ->
                r.order(-1)
                    .path(READ_MODEL_ADMIN)
                    .metadata(SERVICE, QUERY_SERVICE)
                    .metadata(CONNECT_TIMEOUT_ATTR, connectMillis)
                    .uri(properties.queryUri()))
        .route(
            "write-side-admin",
            r ->
                r.order(-1)
                    .path(WRITE_SIDE_ADMIN)
                    .metadata(SERVICE, COMMAND_SERVICE)
                    .metadata(CONNECT_TIMEOUT_ATTR, connectMillis)
                    .uri(properties.commandUri()))
        .route(
            QUERY_SERVICE,
            r ->
                r.order(0)
                    .path(API)
                    .and()
                    .method(HttpMethod.GET, HttpMethod.HEAD)
                    .metadata(SERVICE, QUERY_SERVICE)
                    .metadata(CONNECT_TIMEOUT_ATTR, connectMillis)
                    .uri(properties.queryUri()))
        .route(
            COMMAND_SERVICE,
            r ->
                r.order(1)
                    .path(API)
                    .metadata(SERVICE, COMMAND_SERVICE)
                    .metadata(CONNECT_TIMEOUT_ATTR, connectMillis)
                    .uri(properties.commandUri()))
        .build();
  }
}
