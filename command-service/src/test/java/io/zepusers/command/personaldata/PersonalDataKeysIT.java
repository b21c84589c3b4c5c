package io.zepusers.command.personaldata;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.EventJson;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.ZepEvent;
import io.zepusers.testinfra.TestInfra;
import java.nio.charset.StandardCharsets;
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

/** The keys of many stored events come in one query, as the generation builder needs. */
class PersonalDataKeysIT {

  @Test
  void storedPayloadsHaveEveryKeyLoadedAtOnceEvenBesideALookAlikeEnvelope() {
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
    // the first user is deleted: its key is gone before the payloads are read
    writing.destroy(users.get(0));
    List<byte[]> payloads =
        jdbc.queryForList(
            "SELECT payload FROM domainevententry ORDER BY globalindex", byte[].class);

    PersonalDataKeys reading = new PersonalDataKeys(jdbc, Duration.ofMinutes(1), 1000);
    reading.loadForPayloads(payloads);
    // gone from the database: only what the one query loaded can still answer
    jdbc.update("DELETE FROM personal_data_keys");
    for (UUID keyId : keyIds.subList(1, keyIds.size())) {
      assertThat(reading.find(keyId)).as("key %s", keyId).isPresent();
    }
    // the destroyed key is remembered as gone: find does not ask the database again (a row put
    // back with its id is not seen)
    jdbc.update(
        "INSERT INTO personal_data_keys (user_id, key_id, secret) VALUES ('other', ?, ?)",
        keyIds.get(0),
        new byte[32]);
    assertThat(reading.find(keyIds.get(0))).isEmpty();
    assertThat(new PersonalDataKeys(jdbc, Duration.ofMinutes(1), 1000).find(keyIds.get(1)))
        .isEmpty();
  }

  @Test
  void aPayloadNamesItsKeyOnlyInTheEnvelopeAndOnlyAsACanonicalUuid() {
    UUID id = UUID.randomUUID();
    assertThat(
            PersonalDataKeys.envelopeKeyId(
                ("{\"a\":1,\"personal_data\":{\"key_id\":\"" + id + "\",\"nonce\":\"x\"}}")
                    .getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(id);
    assertThat(PersonalDataKeys.envelopeKeyId("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(
            PersonalDataKeys.envelopeKeyId(
                "{\"personal_data\":{\"key_id\":\"1-2-3-4-5\"}}".getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(
            PersonalDataKeys.envelopeKeyId(
                "{\"personal_data\":{\"key_id\":\"0123".getBytes(StandardCharsets.UTF_8)))
        .isNull();
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
