package io.zepusers.query.projection;

import io.zepusers.events.PublishedEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Applies a batch of events to every projection, each event once. Every applied event is claimed by
 * its row in the audit trail (table {@code audit_events}): its (aggregate id, sequence) is unique
 * there, and the row keeps a fingerprint of the event's content. An event at or below the last
 * sequence applied for its aggregate is a redelivery when it carries the claimed fingerprint, and
 * is dropped; with another fingerprint, or claiming a sequence that was skipped, it is a conflict:
 * two different events claim one place in the stream, and the first one applied stays. Runs inside
 * the caller's transaction, against whatever tables its {@code search_path} names (the live read
 * models, or the copies a rebuild fills aside).
 *
 * <p>The trail is the log of what was applied, in the order it was applied, with who and which
 * request caused each event; the audit feature answers from it and erases a deleted user's personal
 * data in it. One row per event does both jobs: a separate table of claims cost a second copied row
 * and index entry per event, about a tenth of a rebuild's database time (docs/performance.md).
 */
@Component
public class EventApplier {

  private static final String TRAIL_COLUMNS =
      "subject, aggregate_id, sequence, event_id, type, time, data, correlation_id, actor, fingerprint";

  private final List<Projection> projections;
  private final JdbcTemplate jdbc;

  EventApplier(List<Projection> projections, JdbcTemplate jdbc) {
    this.projections = projections;
    this.jdbc = jdbc;
  }

  /**
   * An event that claims an applied (aggregate, sequence) with other content; {@code index} is its
   * place in the batch.
   */
  public record Conflict(int index, String reason) {}

  /**
   * Applies the events before the first conflict, which it returns; nothing from the conflict on is
   * applied.
   */
  public Optional<Conflict> applyUntilConflict(List<PublishedEvent> events) {
    List<Verdict> verdicts = judge(events);
    int end = 0;
    while (end < verdicts.size() && verdicts.get(end).conflict() == null) {
      end++;
    }
    apply(events.subList(0, end), verdicts.subList(0, end));
    return end < verdicts.size()
        ? Optional.of(new Conflict(end, verdicts.get(end).conflict()))
        : Optional.empty();
  }

  /** Applies every event that does not conflict; returns the conflicts, which were skipped. */
  public List<Conflict> applyAll(List<PublishedEvent> events) {
    List<Verdict> verdicts = judge(events);
    apply(events, verdicts);
    List<Conflict> conflicts = new ArrayList<>();
    for (int i = 0; i < verdicts.size(); i++) {
      if (verdicts.get(i).conflict() != null) {
        conflicts.add(new Conflict(i, verdicts.get(i).conflict()));
      }
    }
    return conflicts;
  }

  /**
   * For each event: fresh (with its fingerprint and trail JSON), a redelivery (fresh false, no
   * conflict), or a conflict.
   */
  private record Verdict(boolean fresh, Fingerprints.Written written, String conflict) {}

  private record Claim(String aggregateId, long sequence) {}

  /**
   * Marks a claim that is not in the trail at all, as opposed to one stored without a fingerprint.
   */
  private static final byte[] NEVER_APPLIED = new byte[0];

  private List<Verdict> judge(List<PublishedEvent> events) {
    Map<String, Long> last = lastApplied(events);
    Map<Claim, byte[]> claimedHere = new HashMap<>();
    List<Fingerprints.Written> written = new ArrayList<>(events.size());
    List<Boolean> fresh = new ArrayList<>(events.size());
    Set<Claim> toLookUp = new LinkedHashSet<>();
    for (PublishedEvent event : events) {
      Fingerprints.Written w = Fingerprints.of(event);
      written.add(w);
      Claim claim = new Claim(event.aggregateId(), event.sequence());
      boolean isFresh = event.sequence() > last.getOrDefault(event.aggregateId(), -1L);
      fresh.add(isFresh);
      if (isFresh) {
        last.put(event.aggregateId(), event.sequence());
        claimedHere.put(claim, w.fingerprint());
      } else if (!claimedHere.containsKey(claim)) {
        toLookUp.add(claim);
      }
    }
    Map<Claim, byte[]> stored = storedFingerprints(toLookUp);
    List<Verdict> verdicts = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      PublishedEvent event = events.get(i);
      if (fresh.get(i)) {
        verdicts.add(new Verdict(true, written.get(i), null));
        continue;
      }
      Claim claim = new Claim(event.aggregateId(), event.sequence());
      byte[] claimed =
          claimedHere.containsKey(claim)
              ? claimedHere.get(claim)
              : stored.getOrDefault(claim, NEVER_APPLIED);
      verdicts.add(
          new Verdict(
              false, written.get(i), conflict(event, claimed, written.get(i).fingerprint())));
    }
    return verdicts;
  }

  private static String conflict(PublishedEvent event, byte[] claimed, byte[] fingerprint) {
    if (claimed == NEVER_APPLIED) {
      return event.aggregateId()
          + " sequence "
          + event.sequence()
          + " (event "
          + event.id()
          + ") arrived after a later sequence of "
          + event.aggregateId()
          + " was applied, and was never applied itself";
    }
    if (claimed == null || Arrays.equals(claimed, fingerprint)) {
      return null; // a redelivery (or one applied before fingerprints were kept)
    }
    return event.aggregateId()
        + " sequence "
        + event.sequence()
        + " was already applied with other content than event "
        + event.id()
        + " has";
  }

  private void apply(List<PublishedEvent> events, List<Verdict> verdicts) {
    List<PublishedEvent> fresh = new ArrayList<>(events.size());
    CopyRows trail = new CopyRows("audit_events", TRAIL_COLUMNS);
    Map<String, Long> lastPerAggregate = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      if (verdicts.get(i).fresh()) {
        PublishedEvent event = events.get(i);
        fresh.add(event);
        trail
            .text(event.subject())
            .text(event.aggregateId())
            .number(event.sequence())
            .text(event.id())
            .text(event.type())
            .timestamp(event.data().occurredAt())
            .utf8(verdicts.get(i).written().json())
            .text(event.correlationId())
            .text(event.actor())
            .bytes(verdicts.get(i).written().fingerprint())
            .endRow();
        lastPerAggregate.merge(event.aggregateId(), event.sequence(), Math::max);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    // appended with COPY: each (aggregate, sequence) comes here once, so the trail never holds an
    // event's row already (its unique key would refuse the copy if it did)
    trail.copyWith(jdbc);
    projections.forEach(p -> p.apply(fresh));
    List<Object[]> rows = new ArrayList<>(lastPerAggregate.size());
    lastPerAggregate.forEach((aggregate, sequence) -> rows.add(new Object[] {aggregate, sequence}));
    jdbc.batchUpdate(
        "INSERT INTO applied_sequences (aggregate_id, last_sequence) VALUES (?, ?) "
            + "ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = GREATEST(applied_sequences.last_sequence, EXCLUDED.last_sequence)",
        rows);
  }

  private Map<String, Long> lastApplied(List<PublishedEvent> events) {
    Set<String> aggregates = new LinkedHashSet<>();
    events.forEach(e -> aggregates.add(e.aggregateId()));
    Map<String, Long> last = new HashMap<>();
    if (aggregates.isEmpty()) {
      return last;
    }
    jdbc.query(
        "SELECT aggregate_id, last_sequence FROM applied_sequences WHERE aggregate_id = ANY(?)",
        rs -> {
          last.put(rs.getString(1), rs.getLong(2));
        },
        (Object) aggregates.toArray(new String[0]));
    return last;
  }

  /**
   * The stored fingerprint of each claim that exists (null for claims made before fingerprints were
   * kept).
   */
  private Map<Claim, byte[]> storedFingerprints(Set<Claim> claims) {
    Map<Claim, byte[]> stored = new HashMap<>();
    if (claims.isEmpty()) {
      return stored;
    }
    String[] aggregates = claims.stream().map(Claim::aggregateId).toArray(String[]::new);
    Long[] sequences = claims.stream().map(Claim::sequence).toArray(Long[]::new);
    jdbc.query(
        "SELECT a.aggregate_id, a.sequence, a.fingerprint FROM audit_events a "
            + "JOIN unnest(?::text[], ?::bigint[]) AS wanted (aggregate_id, sequence) USING (aggregate_id, sequence)",
        rs -> {
          stored.put(new Claim(rs.getString(1), rs.getLong(2)), rs.getBytes(3));
        },
        aggregates,
        sequences);
    return stored;
  }
}
