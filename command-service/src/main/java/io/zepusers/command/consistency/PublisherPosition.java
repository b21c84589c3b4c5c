package io.zepusers.command.consistency;

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
 * Where the Kafka publisher is, as every instance can see it: its token in {@code tokenentry}. An instance whose
 * own publisher does not hold the segment (another instance publishes) asks this whether its events went out.
 */
@Component
class PublisherPosition {

  static final String PUBLISHER = "kafka-publisher";

  private final JdbcTemplate jdbc;
  private final Serializer serializer;
  private final EventProcessingConfiguration processing;

  PublisherPosition(JdbcTemplate jdbc, @Qualifier("serializer") Serializer serializer, EventProcessingConfiguration processing) {
    this.jdbc = jdbc;
    this.serializer = serializer;
    this.processing = processing;
  }

  /** True when this instance's publisher holds a segment (then it reports its acknowledgements itself). */
  boolean publishesHere() {
    return processing
        .eventProcessor(PUBLISHER, TrackingEventProcessor.class)
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
            "SELECT globalindex FROM domainevententry WHERE eventidentifier = ANY(?)", Long.class, (Object) eventIds.toArray(new String[0]));
    List<TrackingToken> tokens =
        jdbc.query(
            "SELECT token, tokentype FROM tokenentry WHERE processorname = ? AND token IS NOT NULL",
            (rs, row) -> serializer.deserialize(new SimpleSerializedObject<>(rs.getBytes(1), byte[].class, rs.getString(2), null)),
            PUBLISHER);
    return indexes.size() == eventIds.size()
        && !tokens.isEmpty()
        && indexes.stream().allMatch(index -> tokens.stream().anyMatch(t -> passed(t, index)));
  }

  /**
   * The publisher has handled the event at {@code index}: it is at or behind its position and not one of the gaps it
   * still waits for. (Not {@code TrackingToken#covers}: that also asks for the gaps below, and a rejected append
   * leaves a gap in the global index for good.)
   */
  private static boolean passed(TrackingToken token, long index) {
    return token instanceof GapAwareTrackingToken t ? t.getIndex() >= index && !t.getGaps().contains(index)
        : token.position().orElse(-1) >= index;
  }
}
