package io.zepusers.command.application;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway CommandSender sends through: Axon's, with write conflicts retried. */
@Configuration(proxyBeanMethods = false)
class CommandGatewayConfig {

  /** Not a bean of its own: Spring's {@code @Scheduled} support would take it as its scheduler. */
  private final ScheduledExecutorService retries =
      Executors.newScheduledThreadPool(
          1,
          runnable -> {
            Thread thread = new Thread(runnable, "command-retry");
            thread.setDaemon(true);
            return thread;
          });

  @Bean
  CommandGateway commandGateway(
      CommandBus commandBus,
      @Value("${zep.commands.conflict-retries:8}") int conflictRetries,
      MeterRegistry meters) {
    return DefaultCommandGateway.builder()
        .commandBus(commandBus)
        .retryScheduler(new ConflictRetries(retries, conflictRetries, meters))
        .build();
  }

  @PreDestroy
  void stop() {
    retries.shutdownNow();
  }
}
