package io.zepusers.command.publish;

import io.zepusers.events.TopicGenerations;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which generation of the event topic is current (the publisher writes there), as every instance
 * sees it: the table {@code topic_generations}. Generation 1, the configured topic, is current
 * until a rebuilt generation takes over.
 */
@Component
public class Generations {

  /** A generation of the topic. */
  public record Generation(int number, String topic) {}

  private final JdbcTemplate jdbc;
  private final String base;

  Generations(JdbcTemplate jdbc, KafkaSettings settings) {
    this.jdbc = jdbc;
    this.base = settings.topic();
    jdbc.update(
        "INSERT INTO topic_generations (generation, topic, state, current_since) "
            + "SELECT 1, ?, 'current', now() WHERE NOT EXISTS (SELECT 1 FROM topic_generations)",
        base);
  }

  /** The generation new events go to (one statement; the publisher asks once per batch). */
  public Generation current() {
    List<Generation> current =
        jdbc.query(
            "SELECT generation, topic FROM topic_generations WHERE state = 'current'",
            (rs, row) -> new Generation(rs.getInt(1), rs.getString(2)));
    if (current.size() != 1) {
      throw new IllegalStateException(
          "topic_generations has " + current.size() + " current generations; expected 1");
    }
    return current.get(0);
  }

  String topicOf(int generation) {
    return TopicGenerations.topic(base, generation);
  }
}
