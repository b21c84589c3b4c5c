package io.zepusers.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * One base URL for Zep clients: writes go to the command-service, reads to the query-service. The
 * gateway holds no business logic; it only routes, answers {@code /healthz}, stamps {@code
 * X-Zep-Version} and bounds request bodies.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

  public static void main(String[] args) {
    SpringApplication.run(GatewayApplication.class, args);
  }
}
