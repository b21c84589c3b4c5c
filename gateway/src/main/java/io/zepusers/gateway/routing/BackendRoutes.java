package io.zepusers.gateway.routing;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

import io.zepusers.gateway.GatewayProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * CQRS split by HTTP method: reads (GET, HEAD) to the query-service, everything else to the
 * command-service. Path, query string and headers go through untouched; Spring Cloud Gateway
 * keeps percent-encoded segments such as {@code a%2Fb} encoded.
 */
@Configuration(proxyBeanMethods = false)
class BackendRoutes {

    /** Route ids double as the service names in "service unavailable: ... is not reachable". */
    public static final String QUERY_SERVICE = "query-service";
    public static final String COMMAND_SERVICE = "command-service";

    private static final String API = "/api/**";

    @Bean
    RouteLocator backendRouteLocator(RouteLocatorBuilder routes, GatewayProperties properties) {
        int connectMillis = Math.toIntExact(properties.connectTimeout().toMillis());
        long responseMillis = properties.responseTimeout().toMillis();
        return routes.routes()
                .route(QUERY_SERVICE, r -> r.order(0)
                        .path(API).and().method(HttpMethod.GET, HttpMethod.HEAD)
                        .metadata(CONNECT_TIMEOUT_ATTR, connectMillis)
                        .metadata(RESPONSE_TIMEOUT_ATTR, responseMillis)
                        .uri(properties.queryUri()))
                .route(COMMAND_SERVICE, r -> r.order(1)
                        .path(API)
                        .metadata(CONNECT_TIMEOUT_ATTR, connectMillis)
                        .metadata(RESPONSE_TIMEOUT_ATTR, responseMillis)
                        .uri(properties.commandUri()))
                .build();
    }
}
