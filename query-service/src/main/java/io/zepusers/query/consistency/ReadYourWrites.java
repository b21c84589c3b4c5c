package io.zepusers.query.consistency;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zepusers.api.ConsistencyToken;
import io.zepusers.query.projection.AppliedPositions;
import io.zepusers.query.projection.ReadModelGeneration;
import io.zepusers.web.BadRequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Makes every read see the writes that were acknowledged before it, by default. A read holding a
 * write's {@code X-Consistency-Token} waits until the projections have applied up to it. A read
 * without one waits until they have applied the topic up to where it ended when the read began: the
 * partition of the user it names, or all partitions. {@code X-Zep-Consistency: eventual} (or {@code
 * ?consistency=eventual}) skips the wait.
 */
@Component
public class ReadYourWrites implements HandlerInterceptor {

  public static final String MODE_HEADER = "X-Zep-Consistency";
  private static final String EVENTUAL = "eventual";

  private final AppliedPositions applied;
  private final TopicEnds topicEnds;
  private final Duration timeout;
  private final MeterRegistry meters;

  ReadYourWrites(
      AppliedPositions applied,
      TopicEnds topicEnds,
      @Value("${zep.consistency.read-timeout:5s}") Duration timeout,
      MeterRegistry meters) {
    this.applied = applied;
    this.topicEnds = topicEnds;
    this.timeout = timeout;
    this.meters = meters;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws Exception {
    if (EVENTUAL.equalsIgnoreCase(request.getHeader(MODE_HEADER))
        || EVENTUAL.equalsIgnoreCase(request.getParameter("consistency"))) {
      return true;
    }
    String header = request.getHeader(ConsistencyToken.HEADER);
    ConsistencyToken token =
        header == null || header.isBlank() ? null : ConsistencyToken.parse(header);
    long deadline = System.nanoTime() + timeout.toNanos();
    Timer.Sample wait = Timer.start(meters);
    String outcome = "error";
    try {
      while (true) {
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        ReadModelGeneration.Generation current = applied.generation();
        int of;
        Map<Integer, Long> target;
        if (token != null && token.generation() >= current.number()) {
          // a later generation's token waits until the read models have moved to it
          of = token.generation();
          target = token.nextOffsets();
        } else {
          // No token, or one of an earlier generation: every later generation holds the whole
          // history, so the end of the current one includes the write.
          of = current.number();
          target = topicEnd(request, current.topic(), left);
        }
        switch (applied.awaitReached(of, target, left)) {
          case REACHED:
            outcome = "reached";
            return true;
          case MOVED_ON:
            continue;
          case TIMED_OUT:
            if (token != null && of == current.number()) {
              outcome = "rejected";
              rejectUnreachable(current.topic(), target);
            }
            outcome = "timed_out";
            throw new ProjectionBehindException(timeout);
        }
      }
    } catch (TimeoutException e) {
      outcome = "timed_out";
      throw new ProjectionBehindException(timeout);
    } finally {
      wait.stop(
          Timer.builder("read.waits")
              .description(
                  "How long reads waited for the read models to include the writes before them")
              .tag("token", token == null ? "no" : "yes")
              .tag("outcome", outcome)
              .register(meters));
    }
  }

  /**
   * A token no write of ours made (past the end of the topic, or a partition it does not have) is
   * the caller's error.
   */
  private void rejectUnreachable(String topic, Map<Integer, Long> target)
      throws InterruptedException, TimeoutException {
    Map<Integer, Long> ends = topicEnds.all(topic, timeout);
    for (Map.Entry<Integer, Long> position : target.entrySet()) {
      Long end = ends.get(position.getKey());
      if (end == null || position.getValue() > end) {
        throw new BadRequestException(
            ConsistencyToken.HEADER
                + " names "
                + position.getKey()
                + ":"
                + position.getValue()
                + ", which the topic has not reached; send the token a write answered with");
      }
    }
  }

  private Map<Integer, Long> topicEnd(HttpServletRequest request, String topic, Duration timeout)
      throws InterruptedException, TimeoutException {
    @SuppressWarnings("unchecked")
    Map<String, String> path =
        (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    String userId = path == null ? null : path.get("userId");
    return userId != null ? topicEnds.ofKey(topic, userId, timeout) : topicEnds.all(topic, timeout);
  }

  /** The projections did not catch up within the bound: answering now could show stale data. */
  public static class ProjectionBehindException extends RuntimeException {
    public ProjectionBehindException(Duration timeout) {
      super(
          "the read model did not catch up with the event stream within "
              + timeout.toMillis()
              + " ms; retry");
    }
  }
}
