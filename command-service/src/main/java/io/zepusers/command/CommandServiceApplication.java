package io.zepusers.command;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CommandServiceApplication {

  public static void main(String[] args) {
    // Axon's update checker phones home and logs a warning every few seconds without internet; only
    // a system property turns it off (application properties are read too late).
    System.setProperty("axoniq.update-checker.disabled", "true");
    SpringApplication.run(CommandServiceApplication.class, args);
  }
}
