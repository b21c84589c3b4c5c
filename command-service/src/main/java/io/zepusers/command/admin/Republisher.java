package io.zepusers.command.admin;

import io.zepusers.command.consistency.PublisherPosition;
import io.zepusers.command.eventstore.ProcessingGroups;
import io.zepusers.command.publish.PublishedNotCommitted;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends the whole event store to Kafka again (for a lost or truncated topic) by moving the
 * publisher back to the start of the event store. Consumers see each event a second time with the
 * same id and (aggregate, sequence), so the projections, which apply each (aggregate, sequence)
 * once, change nothing.
 *
 * <p>Any instance may be asked. Only the one whose publisher holds the segment can move it (the
 * token store refuses the others), so the request is stored ({@code republish_requests}) and taken
 * by whichever instance holds the publisher: at once when that is the one asked, else within {@code
 * zep.republish.poll-interval}. Every instance reads the progress from the database, so all of them
 * answer alike.
 */
@Component
class Republisher implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(Republisher.class);

  private final EventProcessingConfiguration processing;
  private final JdbcTemplate jdbc;
  private final PublishedNotCommitted alreadyOnKafka;
  private final PublisherPosition stored;
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "republish-requests");
            t.setDaemon(true);
            return t;
          });

  Republisher(
      EventProcessingConfiguration processing,
      JdbcTemplate jdbc,
      PublishedNotCommitted alreadyOnKafka,
      PublisherPosition stored,
      @Value("${zep.republish.poll-interval:1s}") Duration pollInterval) {
    this.processing = processing;
    this.jdbc = jdbc;
    this.alreadyOnKafka = alreadyOnKafka;
    this.stored = stored;
    poller.scheduleWithFixedDelay(
        this::takeRequestIfThePublisherRunsHere,
        pollInterval.toMillis(),
        pollInterval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Asks for a republish; false if one is still running. */
  public synchronized boolean start() {
    if (running()) {
      return false;
    }
    long head = head();
    if (head == 0) {
      return true; // an empty store: nothing to send
    }
    jdbc.update("INSERT INTO republish_requests (target) VALUES (?)", head);
    takeRequestIfThePublisherRunsHere();
    return true;
  }

  public Map<String, Object> status() {
    long head = head();
    return Map.of(
        "republishing", running(),
        "events_published_up_to", Math.min(stored.position(), head),
        "events_total", head);
  }

  /**
   * The last request is not taken yet, or the publisher's stored token has not passed where the
   * store ended when it was asked.
   */
  private boolean running() {
    List<Map<String, Object>> last =
        jdbc.queryForList(
            "SELECT target, started_at FROM republish_requests ORDER BY id DESC LIMIT 1");
    if (last.isEmpty()) {
      return false;
    }
    return last.get(0).get("started_at") == null
        || !stored.reached(((Number) last.get(0).get("target")).longValue());
  }

  /**
   * Moves the publisher back to the start of the store if a request waits and this instance's
   * publisher holds the segment. Should another instance claim the segment while ours has let it
   * go, the request stays for that one.
   */
  private synchronized void takeRequestIfThePublisherRunsHere() {
    try {
      List<Long> waiting =
          jdbc.queryForList(
              "SELECT id FROM republish_requests WHERE started_at IS NULL ORDER BY id", Long.class);
      if (waiting.isEmpty() || !stored.publishesHere()) {
        return;
      }
      TrackingEventProcessor publisher = publisher();
      publisher.shutDown();
      try {
        alreadyOnKafka.forget();
        publisher.resetTokens();
        jdbc.update(
            "UPDATE republish_requests SET started_at = now() WHERE started_at IS NULL AND id <= ?",
            waiting.get(waiting.size() - 1));
        log.info("republishing the event store (requests {})", waiting);
      } catch (UnableToClaimTokenException e) {
        log.info("the publisher moved to another instance; it takes the republish request");
      } finally {
        publisher.start();
      }
    } catch (DataAccessException e) {
      log.warn("republish requests not checked, will try again: {}", e.getMessage());
    }
  }

  private long head() {
    Long max =
        jdbc.queryForObject(
            "SELECT coalesce(max(globalindex), 0) FROM domainevententry", Long.class);
    return max == null ? 0 : max;
  }

  private TrackingEventProcessor publisher() {
    return processing
        .eventProcessor(ProcessingGroups.KAFKA_PUBLISHER, TrackingEventProcessor.class)
        .orElseThrow(
            () ->
                new IllegalStateException("no " + ProcessingGroups.KAFKA_PUBLISHER + " processor"));
  }

  @Override
  public void destroy() {
    poller.shutdownNow();
  }
}
