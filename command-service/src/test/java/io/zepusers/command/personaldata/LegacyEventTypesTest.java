package io.zepusers.command.personaldata;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.EventJson;
import io.zepusers.events.UserDeleted;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.junit.jupiter.api.Test;

/**
 * An event stored under its Java class name, as before the store used the contract's names, reads
 * as the stable type.
 */
class LegacyEventTypesTest {

  private final Serializer serializer =
      new PersonalDataProtectingSerializer(
          JacksonSerializer.builder().objectMapper(EventJson.newMapper()).build(), null);

  @Test
  void aClassNamedEventIsReadAsItsStableType() {
    UUID uuid = UUID.randomUUID();
    String json =
        "{\"user_id\":\"u1\",\"uuid\":\"" + uuid + "\",\"deleted_at\":\"2024-01-02T03:04:05Z\"}";
    GenericDomainEventEntry<byte[]> stored =
        new GenericDomainEventEntry<>(
            "UserAggregate",
            "u1",
            2,
            UUID.randomUUID().toString(),
            Instant.parse("2024-01-02T03:04:05Z"),
            "io.zepusers.events.UserDeleted",
            null,
            json.getBytes(StandardCharsets.UTF_8),
            "{}".getBytes(StandardCharsets.UTF_8));

    List<IntermediateEventRepresentation> upcast =
        new LegacyEventTypes()
            .upcast(Stream.of(new InitialEventRepresentation(stored, serializer)))
            .toList();

    assertThat(upcast)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getType().getName()).isEqualTo("user.deleted");
              UserDeleted event = serializer.deserialize(r.getData());
              assertThat(event.userId()).isEqualTo("u1");
              assertThat(event.uuid()).isEqualTo(uuid);
            });
  }

  @Test
  void newEventsAreStoredUnderTheirStableNames() {
    UserDeleted event = new UserDeleted("u2", UUID.randomUUID(), Instant.now());
    assertThat(serializer.serialize(event, byte[].class).getType().getName())
        .isEqualTo("user.deleted");
    assertThat(serializer.typeForClass(UserDeleted.class).getName()).isEqualTo("user.deleted");
    assertThat(serializer.classForType(serializer.typeForClass(UserDeleted.class)))
        .isEqualTo(UserDeleted.class);
  }
}
