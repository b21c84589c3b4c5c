package io.zepusers.examples.subscriber;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An outside service that keeps its own table of users from the event topic: what an integrator
 * writes. It applies each event once, in stream order, erases a deleted user, and follows the topic
 * into new generations. See the README's section on subscribers and {@code docs/asyncapi.yaml}.
 */
@SpringBootApplication
public class SubscriberApplication {

  public static void main(String[] args) {
    SpringApplication.run(SubscriberApplication.class, args);
  }
}
