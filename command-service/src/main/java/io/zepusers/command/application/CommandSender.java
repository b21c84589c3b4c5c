package io.zepusers.command.application;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zepusers.api.ConsistencyToken;
import io.zepusers.command.consistency.PublicationTracker;
import io.zepusers.command.provenance.Provenance;
import io.zepusers.command.provenance.ProvenanceFilter;
import java.time.Duration;
import java.util.UUID;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * How controllers send a command: with who and which request caused it, a write conflict retried
 * (see {@link ConflictRetries}), and the answer held back until Kafka acknowledged its events, so
 * the caller gets a {@link ConsistencyToken} to read its own write with.
 */
@Component
public class CommandSender {

  private final CommandGateway commands;
  private final PublicationTracker tracker;
  private final Duration publishTimeout;
  private final MeterRegistry meters;

  CommandSender(
      CommandGateway commands,
      PublicationTracker tracker,
      @Value("${zep.consistency.publish-timeout:10s}") Duration publishTimeout,
      MeterRegistry meters) {
    this.commands = commands;
    this.tracker = tracker;
    this.publishTimeout = publishTimeout;
    this.meters = meters;
  }

  /**
   * Sends the command and answers only once its events are stored and acknowledged by Kafka
   * (bounded by {@code zep.consistency.publish-timeout}), so a read that starts afterwards can see
   * them.
   */
  public <R> Sent<R> send(Object command) {
    Timer.Sample handling = Timer.start(meters);
    String outcome = "failure";
    String exception = "none";
    try {
      Sent<R> sent = sendAndAwaitPublication(command);
      outcome = "success";
      return sent;
    } catch (RuntimeException e) {
      exception = NestedExceptionUtils.getMostSpecificCause(e).getClass().getSimpleName();
      throw e;
    } finally {
      handling.stop(
          Timer.builder("commands")
              .description(
                  "Commands handled: stored (or refused), and acknowledged by Kafka or the wait cut short")
              .tag("type", command.getClass().getSimpleName())
              .tag("outcome", outcome)
              .tag("exception", exception)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(30))
              .register(meters));
    }
  }

  private <R> Sent<R> sendAndAwaitPublication(Object command) {
    CommandMessage<Object> message =
        GenericCommandMessage.<Object>asCommandMessage(command)
            .andMetaData(provenance().asMetaData());
    PublicationTracker.Pending publication = tracker.start(message.getIdentifier());
    try {
      R result = sendAndWait(message);
      Timer.Sample publishing = Timer.start(meters);
      ConsistencyToken token = publication.await(publishTimeout);
      publishing.stop(
          Timer.builder("commands.publish.wait")
              .description(
                  "How long a write waited, after its events were stored, for Kafka to acknowledge them")
              .tag("outcome", token == null ? "timed_out" : "acknowledged")
              .register(meters));
      return new Sent<>(result, token);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    } finally {
      tracker.forget(message.getIdentifier());
    }
  }

  /**
   * A handled command.
   *
   * @param token where its events are on the topic, or null when Kafka did not acknowledge them in
   *     time (they are stored and will be published; only the wait was cut short)
   */
  public record Sent<R>(R result, ConsistencyToken token) {

    public static final String WARNING_HEADER = "X-Consistency-Warning";

    /** The headers that tell the caller how to read its own write. */
    public HttpHeaders headers() {
      HttpHeaders headers = new HttpHeaders();
      if (token != null) {
        if (!token.nextOffsets().isEmpty()) {
          headers.set(ConsistencyToken.HEADER, token.toString());
        }
      } else {
        headers.set(
            WARNING_HEADER, "stored, but not yet acknowledged by Kafka; reads may not show it yet");
      }
      return headers;
    }
  }

  /**
   * Sends it; a command that lost every retry of a write conflict is a {@link
   * WriteConflictException}.
   */
  private <R> R sendAndWait(CommandMessage<Object> message) {
    try {
      return commands.sendAndWait(message);
    } catch (RuntimeException e) {
      if (ConflictRetries.isConflict(e)) {
        throw new WriteConflictException(e);
      }
      throw e;
    }
  }

  private static Provenance provenance() {
    return RequestContextHolder.getRequestAttributes()
            instanceof ServletRequestAttributes attributes
        ? ProvenanceFilter.of(attributes.getRequest())
        : new Provenance(UUID.randomUUID().toString(), null);
  }
}
