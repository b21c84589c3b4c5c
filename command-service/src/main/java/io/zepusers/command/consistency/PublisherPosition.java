package io.zepusers.command.consistency;

import io.zepusers.command.eventstore.ProcessingGroups;
import java.util.Collection;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where the Kafka publisher is, as every instance can see it: its token in {@code tokenentry}. An
 * instance whose own publisher does not hold the segment (another instance publishes) asks this
 * whether its events went out.
 */
@Component
public class PublisherPosition {

  private final JdbcTemplate jdbc;
  private final Serializer serializer;
  private final EventProcessingConfiguration processing;

  PublisherPosition(
      JdbcTemplate jdbc,
      @Qualifier("serializer") Serializer serializer,
      EventProcessingConfiguration processing) {
    this.jdbc = jdbc;
    this.serializer = serializer;
    this.processing = processing;
  }

  /**
   * True when this instance's publisher holds a segment (then it reports its acknowledgements
   * itself).
   */
  public boolean publishesHere() {
    return processing
        .eventProcessor(ProcessingGroups.KAFKA_PUBLISHER, TrackingEventProcessor.class)
        .map(p -> !p.processingStatus().isEmpty())
        .orElse(false);
  }

  /** True when the publisher's stored token is past every one of these events. */
  boolean covers(Collection<String> eventIds) {
    if (eventIds.isEmpty()) {
      return true;
    }
    List<Long> indexes =
        jdbc.queryForList(
            "SELECT globalindex FROM domainevententry WHERE eventidentifier = ANY(?)",
            Long.class,
            (Object) eventIds.toArray(new String[0]));
    List<TrackingToken> tokens = tokens();
    return indexes.size() == eventIds.size()
        && !tokens.isEmpty()
        && indexes.stream().allMatch(index -> tokens.stream().anyMatch(t -> passed(t, index)));
  }

  /**
   * The publisher has handled every stored event up to {@code head}: its position is there, and
   * none of the gaps it still waits for below it is an event that exists by now. (With writes held
   * back, a gap that is not an event by now is a rolled-back append and will never be one.)
   */
  public boolean reached(long head) {
    List<TrackingToken> tokens = tokens();
    return !tokens.isEmpty() && tokens.stream().allMatch(t -> reached(jdbc, t, head));
  }

  /**
   * {@code token} has passed every event stored up to {@code head} (see {@link #reached(long)}).
   */
  public static boolean reached(JdbcTemplate jdbc, TrackingToken token, long head) {
    if (token == null || token.position().orElse(-1) < head) {
      return false;
    }
    if (!(token instanceof GapAwareTrackingToken t) || t.getGaps().isEmpty()) {
      return true;
    }
    Long[] gaps = t.getGaps().stream().filter(g -> g <= head).toArray(Long[]::new);
    Integer missed =
        gaps.length == 0
            ? 0
            : jdbc.queryForObject(
                "SELECT count(*) FROM domainevententry WHERE globalindex = ANY(?)",
                Integer.class,
                (Object) gaps);
    return missed != null && missed == 0;
  }

  /**
   * The global index the publisher's stored token is at (the lowest, if it has several segments); 0
   * before it has one.
   */
  public long position() {
    return tokens().stream().mapToLong(t -> t.position().orElse(0)).min().orElse(0);
  }

  private List<TrackingToken> tokens() {
    return jdbc.query(
        "SELECT token, tokentype FROM tokenentry WHERE processorname = ? AND token IS NOT NULL",
        (rs, row) ->
            serializer.deserialize(
                new SimpleSerializedObject<>(rs.getBytes(1), byte[].class, rs.getString(2), null)),
        ProcessingGroups.KAFKA_PUBLISHER);
  }

  /**
   * The publisher has handled the event at {@code index}: it is at or behind its position and not
   * one of the gaps it still waits for. (Not {@code TrackingToken#covers}: that also asks for the
   * gaps below, and a rejected append leaves a gap in the global index for good.)
   */
  private static boolean passed(TrackingToken token, long index) {
    return token instanceof GapAwareTrackingToken t
        ? t.getIndex() >= index && !t.getGaps().contains(index)
        : token.position().orElse(-1) >= index;
  }
}
