package io.zepusers.gateway;

import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * Calls the gateway makes to the services itself, beside the routes: their health, their API
 * descriptions.
 */
public final class Backends {

  private Backends() {}

  /**
   * A client that gives up connecting after {@code connectTimeout} and waiting for an answer after
   * {@code responseTimeout}.
   */
  public static WebClient.Builder client(Duration connectTimeout, Duration responseTimeout) {
    return WebClient.builder()
        .clientConnector(
            new ReactorClientHttpConnector(
                HttpClient.create()
                    .option(
                        ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        Math.toIntExact(connectTimeout.toMillis()))
                    .responseTimeout(responseTimeout)));
  }

  /** {@code path} on the service at {@code base} (a base URI may end in slashes). */
  public static URI resolve(URI base, String path) {
    return URI.create(base.toString().replaceAll("/+$", "") + path);
  }
}
