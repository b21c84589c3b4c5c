package io.zepusers.query.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import io.zepusers.events.EventJson;
import io.zepusers.events.PersonalFields;
import io.zepusers.events.PublishedEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * What tells two records claiming the same (aggregate, sequence) apart: SHA-256 of the event id,
 * its type and its data without the personal fields. Those are left out because a user's delete
 * erases them in the event store, so the same event re-published afterwards no longer carries them;
 * everything else of an event never changes.
 *
 * <p>The audit trail's JSON of the event comes from the same write: the data without the personal
 * fields, with the personal fields (written on their own) appended: each field is written once, not
 * twice (the second write of the whole event was about a tenth of query-service's samples in a
 * rebuild, docs/performance.md).
 */
final class Fingerprints {

  private static final ObjectMapper IMPERSONAL = writing(false);
  private static final ObjectMapper PERSONAL = writing(true);

  private Fingerprints() {}

  /**
   * An event's fingerprint and its JSON as the trail keeps it (its fields in another order than
   * {@link EventJson#toBytes} writes them).
   */
  record Written(byte[] fingerprint, byte[] json) {}

  static Written of(PublishedEvent event) {
    byte[] impersonal = write(IMPERSONAL, event);
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    sha256.update(event.id().getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    sha256.update(event.type().getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    sha256.update(impersonal);
    return new Written(sha256.digest(), withPersonalFields(impersonal, event));
  }

  /** Both are JSON objects: {@code {"a":1}} and {@code {"b":2}} make {@code {"a":1,"b":2}}. */
  private static byte[] withPersonalFields(byte[] impersonal, PublishedEvent event) {
    if (PersonalFields.of(event.data().getClass()).isEmpty()) {
      return impersonal;
    }
    byte[] personal = write(PERSONAL, event);
    if (personal.length <= 2) {
      return impersonal;
    }
    if (impersonal.length <= 2) {
      return personal;
    }
    byte[] json = Arrays.copyOf(impersonal, impersonal.length + personal.length - 1);
    json[impersonal.length - 1] = ',';
    System.arraycopy(personal, 1, json, impersonal.length, personal.length - 1);
    return json;
  }

  private static byte[] write(ObjectMapper mapper, PublishedEvent event) {
    try {
      return mapper.writeValueAsBytes(event.data());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write " + event.type() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The event mapper, writing only the fields {@link PersonalFields} names for the event's class
   * ({@code personal}), or only the others.
   */
  private static ObjectMapper writing(boolean personal) {
    return EventJson.newMapper()
        .registerModule(
            new SimpleModule()
                .setSerializerModifier(
                    new BeanSerializerModifier() {
                      @Override
                      public List<BeanPropertyWriter> changeProperties(
                          SerializationConfig config,
                          BeanDescription bean,
                          List<BeanPropertyWriter> properties) {
                        List<String> fields = PersonalFields.of(bean.getBeanClass());
                        properties.removeIf(p -> fields.contains(p.getName()) != personal);
                        return properties;
                      }
                    }));
  }
}
