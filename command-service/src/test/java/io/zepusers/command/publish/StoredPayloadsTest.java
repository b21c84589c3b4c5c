package io.zepusers.command.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedMessage;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

/** A stored payload's bytes come back as stored, and nothing else is serialized to get them. */
class StoredPayloadsTest {

  private final AtomicInteger serialized = new AtomicInteger();
  private final JacksonSerializer store =
      new JacksonSerializer(JacksonSerializer.builder().objectMapper(EventJson.newMapper())) {
        @Override
        public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
          serialized.incrementAndGet();
          return super.serialize(object, expectedRepresentation);
        }
      };

  @Test
  void aPayloadReadWithTheStoresSerializerComesBackAsItsStoredBytes() {
    byte[] bytes = "{\"stored\":true}".getBytes(StandardCharsets.UTF_8);
    SerializedMessage<Object> read =
        new SerializedMessage<>(
            "e-1",
            new SimpleSerializedObject<>(bytes, byte[].class, new SimpleSerializedType("x", null)),
            store.serialize(MetaData.emptyInstance(), byte[].class),
            store);
    serialized.set(0);

    assertThat(new StoredPayloads(store).of(new GenericEventMessage<>(read, Instant::now)))
        .isEqualTo(bytes);
    assertThat(read.isPayloadDeserialized()).isFalse();
    assertThat(serialized).hasValue(0);
  }

  @Test
  void aPayloadNotReadFromTheStoreIsNotSerializedButReportedAsNotStored() {
    assertThat(new StoredPayloads(store).of(GenericEventMessage.asEventMessage("in memory")))
        .isNull();
    SerializedMessage<Object> otherSerializer =
        new SerializedMessage<>(
            "e-2",
            new SimpleSerializedObject<>(
                "{}".getBytes(StandardCharsets.UTF_8),
                byte[].class,
                new SimpleSerializedType("java.util.LinkedHashMap", null)),
            store.serialize(MetaData.emptyInstance(), byte[].class),
            JacksonSerializer.defaultSerializer());
    serialized.set(0);
    assertThat(
            new StoredPayloads(store).of(new GenericEventMessage<>(otherSerializer, Instant::now)))
        .isNull();
    assertThat(serialized).hasValue(0);
  }
}
