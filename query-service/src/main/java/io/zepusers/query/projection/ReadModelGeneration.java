package io.zepusers.query.projection;

import io.zepusers.events.TopicGenerations;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The generation of the event topic the read models follow, in the database for every instance
 * ({@code read_model_generation}). The one this instance's consumer applies is {@code
 * AppliedPositions#generation()}.
 */
@Component
public class ReadModelGeneration {

  /** A generation of the event topic. */
  public record Generation(int number, String topic) {}

  private final JdbcTemplate jdbc;
  private final String base;

  ReadModelGeneration(JdbcTemplate jdbc, ConsumerSettings settings) {
    this.jdbc = jdbc;
    this.base = settings.topic();
    jdbc.update(
        "INSERT INTO read_model_generation (generation, topic) SELECT 1, ? WHERE NOT EXISTS (SELECT 1 FROM read_model_generation)",
        base);
  }

  /** What the database says, without a lock. */
  public Generation stored() {
    return jdbc.queryForObject(
        "SELECT generation, topic FROM read_model_generation",
        (rs, row) -> new Generation(rs.getInt(1), rs.getString(2)));
  }

  /**
   * What the database says, locked shared until the transaction ends (a rebuild's swap waits for
   * it).
   */
  Generation lockShared() {
    return jdbc.queryForObject(
        "SELECT generation, topic FROM read_model_generation FOR SHARE",
        (rs, row) -> new Generation(rs.getInt(1), rs.getString(2)));
  }

  /**
   * In the caller's transaction: the read models move to {@code next}, if they are still before it.
   */
  boolean advanceTo(Generation next) {
    return jdbc.update(
            "UPDATE read_model_generation SET generation = ?, topic = ? WHERE generation < ?",
            next.number(),
            next.topic(),
            next.number())
        > 0;
  }

  /** The generation {@code topic} is, when it is one of the event topic's. */
  public Optional<Generation> of(String topic) {
    return TopicGenerations.generationOf(base, topic).map(n -> new Generation(n, topic));
  }

  public String base() {
    return base;
  }
}
