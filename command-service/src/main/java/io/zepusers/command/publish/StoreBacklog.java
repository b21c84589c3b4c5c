package io.zepusers.command.publish;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The generation builder's read of the store's old events: thousands of rows per round trip, upcast and
 * deserialised as Axon's storage engine does, without the engine's work for tracking the head.
 *
 * <p>Axon's engine reads 100 rows per query and parses each row's timestamp (twice) to decide whether the gaps
 * before it may still fill: a row younger than the engine's gap timeout (60 s by default) keeps them, an older one
 * drops them. That was a fifth of command-service's CPU while it wrote a million events into a new generation
 * (docs/performance.md). A row older than {@link #OLDER_THAN} (far past any gap timeout) therefore keeps no gap in
 * Axon's token either: such rows are read here, and the builder reads the rest with the engine's stream from the
 * token this read ends at. The timestamp is compared as text ({@code 2024-01-01T00:00:00Z}, the form Axon stores),
 * to the second; a row it cannot tell is left to the engine.
 */
@Component
class StoreBacklog {

  static final Duration OLDER_THAN = Duration.ofMinutes(10);
  private static final int ISO_SECONDS = "2024-01-01T00:00:00".length();

  private final JdbcTemplate jdbc;
  private final ObjectProvider<Configuration> axon;
  private final Clock clock;

  StoreBacklog(JdbcTemplate jdbc, ObjectProvider<Configuration> axon, Clock clock) {
    this.jdbc = jdbc;
    this.axon = axon;
    this.clock = clock;
  }

  /**
   * Up to {@code max} events after {@code after} (from the store's first when null), in store order, each with a
   * token that carries no gaps; none once the next row is younger than {@link #OLDER_THAN} or there is none.
   */
  List<TrackedEventMessage<?>> after(GapAwareTrackingToken after, int max) {
    String cutoff = DateTimeFormatter.ISO_INSTANT.format(clock.instant().minus(OLDER_THAN).truncatedTo(ChronoUnit.SECONDS)).substring(0, ISO_SECONDS);
    List<TrackedEventData<?>> rows = new ArrayList<>(max);
    jdbc.query(
        connection -> {
          var statement =
              connection.prepareStatement(
                  "SELECT globalindex, type, aggregateidentifier, sequencenumber, eventidentifier, \"timestamp\", payloadtype, payloadrevision, payload, metadata "
                      + "FROM domainevententry WHERE globalindex > ? ORDER BY globalindex LIMIT ?");
          statement.setLong(1, after == null ? -1 : after.getIndex());
          statement.setInt(2, max);
          statement.setFetchSize(max);
          return statement;
        },
        (ResultSet rs) -> {
          boolean old = true;
          while (old && rs.next()) {
            String timestamp = rs.getString("timestamp");
            old = olderThan(timestamp, cutoff);
            if (old) {
              rows.add(row(rs, timestamp));
            }
          }
          return null;
        });
    if (rows.isEmpty()) {
      return List.of();
    }
    Configuration configuration = axon.getObject();
    return EventUtils.upcastAndDeserializeTrackedEvents(rows.stream(), configuration.eventSerializer(), configuration.upcasterChain()).toList();
  }

  /** The same entry Axon's engine makes of the row, with a token at its index and no gaps. */
  private static TrackedEventData<?> row(ResultSet rs, String timestamp) throws SQLException {
    String aggregateId = rs.getString("aggregateidentifier");
    String eventId = rs.getString("eventidentifier");
    GenericDomainEventEntry<byte[]> entry =
        new GenericDomainEventEntry<>(
            rs.getString("type"),
            eventId.equals(aggregateId) ? null : aggregateId,
            rs.getLong("sequencenumber"),
            eventId,
            timestamp,
            rs.getString("payloadtype"),
            rs.getString("payloadrevision"),
            rs.getBytes("payload"),
            rs.getBytes("metadata"));
    return new TrackedDomainEventData<>(GapAwareTrackingToken.newInstance(rs.getLong("globalindex"), Collections.emptySortedSet()), entry);
  }

  /** Whether an Axon timestamp ({@code 2024-01-01T00:00:00[.fraction]Z}) is before the second {@code cutoff} names. */
  static boolean olderThan(String timestamp, String cutoff) {
    if (timestamp == null || timestamp.length() <= ISO_SECONDS || !isIsoSeconds(timestamp)) {
      return false;
    }
    return timestamp.substring(0, ISO_SECONDS).compareTo(cutoff) < 0;
  }

  private static boolean isIsoSeconds(String t) {
    for (int i = 0; i < ISO_SECONDS; i++) {
      char c = t.charAt(i);
      boolean ok =
          switch (i) {
            case 4, 7 -> c == '-';
            case 10 -> c == 'T';
            case 13, 16 -> c == ':';
            default -> c >= '0' && c <= '9';
          };
      if (!ok) {
        return false;
      }
    }
    char next = t.charAt(ISO_SECONDS);
    return next == '.' || next == 'Z';
  }
}
