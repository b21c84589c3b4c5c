package io.zepusers.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything the gateway can be told, under {@code zep.gateway.*}.
 *
 * @param commandUri base URI of the command-service (receives every method except GET/HEAD)
 * @param queryUri base URI of the query-service (receives GET and HEAD)
 * @param maxBodySize largest request body accepted; bigger ones get 413
 * @param connectTimeout how long to wait for a TCP connection to a backend
 * @param responseTimeout how long a backend may stay silent once the request is sent to it; then
 *     504
 * @param headerTimeout how long a client may take to send a request head (line and headers),
 *     counted from its first byte; then 408
 * @param bodyReadTimeout longest pause allowed while the gateway is reading a request body; then
 *     408
 * @param idleTimeout how long a connection may sit without a request before it is closed
 * @param version Zep server version we claim to be wire-compatible with (plain semver, clients
 *     compare the part before the first {@code -} with 0.21.0)
 * @param build build label after the {@code -} in {@code X-Zep-Version}
 * @param buildTime RFC 3339 time in {@code X-Zep-Version}; empty means the start time
 */
@ConfigurationProperties("zep.gateway")
public record GatewayProperties(
    @DefaultValue("http://127.0.0.1:8081") URI commandUri,
    @DefaultValue("http://127.0.0.1:8082") URI queryUri,
    @DefaultValue("5MB") DataSize maxBodySize,
    @DefaultValue("2s") Duration connectTimeout,
    @DefaultValue("30s") Duration responseTimeout,
    @DefaultValue("10s") Duration headerTimeout,
    @DefaultValue("10s") Duration bodyReadTimeout,
    @DefaultValue("60s") Duration idleTimeout,
    @DefaultValue("0.27.2") String version,
    @DefaultValue("zepusers") String build,
    @DefaultValue("") String buildTime) {

  private static final Pattern SEMVER = Pattern.compile("\\d+\\.\\d+\\.\\d+");

  public GatewayProperties {
    // A version with a '-' would be cut short by clients, which then print a warning.
    if (version == null || !SEMVER.matcher(version).matches()) {
      throw new IllegalArgumentException(
          "zep.gateway.version must be MAJOR.MINOR.PATCH, got: " + version);
    }
    if (build == null || build.isBlank()) {
      throw new IllegalArgumentException("zep.gateway.build must not be blank");
    }
    if (maxBodySize.toBytes() <= 0) {
      throw new IllegalArgumentException("zep.gateway.max-body-size must be positive");
    }
    requirePositive("response-timeout", responseTimeout);
    requirePositive("header-timeout", headerTimeout);
    requirePositive("body-read-timeout", bodyReadTimeout);
    requirePositive("idle-timeout", idleTimeout);
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "zep.gateway." + name + " must be positive, got: " + value);
    }
  }
}
