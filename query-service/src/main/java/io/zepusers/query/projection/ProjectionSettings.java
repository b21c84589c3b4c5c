package io.zepusers.query.projection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the projection waits out failures that pass (its database or the broker unreachable): it
 * retries without end, waiting {@code retryInitialInterval}, then {@code retryMultiplier} times
 * longer each time, at most {@code retryMaxInterval}. Readiness turns DOWN once it has been failing
 * for longer than {@code unreadyAfter}.
 */
@ConfigurationProperties("zep.projection")
public record ProjectionSettings(
    @DefaultValue("100ms") Duration retryInitialInterval,
    @DefaultValue("10s") Duration retryMaxInterval,
    @DefaultValue("2") double retryMultiplier,
    @DefaultValue("5s") Duration unreadyAfter) {}
