package io.zepusers.command.personaldata;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.EventJson;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.ZepEvent;
import io.zepusers.testinfra.TestInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.serialization.json.JacksonSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The keys of a range of stored events come in one query, as the generation builder needs. */
class PersonalDataKeysIT {

  @Test
  void aRangeOfStoredEventsHasEveryKeyLoadedAtOnceEvenBesideALookAlikeEnvelope() {
    DriverManagerDataSource db = new DriverManagerDataSource(TestInfra.newDatabase("keys"));
    Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    JdbcTemplate jdbc = new JdbcTemplate(db);
    PersonalDataKeys writing = new PersonalDataKeys(jdbc, Duration.ofMinutes(1), 1000);
    PersonalDataProtectingSerializer serializer =
        new PersonalDataProtectingSerializer(
            JacksonSerializer.builder().objectMapper(EventJson.newMapper()).build(), writing);
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String user = "keys-user-" + i;
      users.add(user);
      store(
          jdbc,
          serializer,
          user,
          new UserCreated(user, UUID.randomUUID(), i, user + "@x.io", null, null, null, t));
    }
    // a session without a user keeps its metadata in the clear: it may look like an envelope
    store(
        jdbc,
        serializer,
        "session:s",
        new SessionCreated(
            "s",
            UUID.randomUUID(),
            99,
            null,
            Map.of("personal_data", Map.of("key_id", "not a uuid")),
            t));
    List<UUID> keyIds =
        jdbc.queryForList("SELECT key_id FROM personal_data_keys ORDER BY user_id", UUID.class);
    assertThat(keyIds).hasSize(5);
    long head = jdbc.queryForObject("SELECT max(globalindex) FROM domainevententry", Long.class);

    PersonalDataKeys reading = new PersonalDataKeys(jdbc, Duration.ofMinutes(1), 1000);
    reading.loadForEvents(0, head);
    // gone from the database: only what the one query loaded can still answer
    jdbc.update("DELETE FROM personal_data_keys");
    for (UUID keyId : keyIds) {
      assertThat(reading.find(keyId)).as("key %s", keyId).isPresent();
    }
    assertThat(new PersonalDataKeys(jdbc, Duration.ofMinutes(1), 1000).find(keyIds.get(0)))
        .isEmpty();
  }

  private static void store(
      JdbcTemplate jdbc,
      PersonalDataProtectingSerializer serializer,
      String aggregate,
      ZepEvent event) {
    var payload = serializer.serialize(event, byte[].class);
    jdbc.update(
        "INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, payload, payloadtype, \"timestamp\") "
            + "VALUES (?, 0, 'Aggregate', ?, ?, ?, ?)",
        aggregate,
        UUID.randomUUID().toString(),
        payload.getData(),
        payload.getType().getName(),
        event.occurredAt().toString());
  }
}
