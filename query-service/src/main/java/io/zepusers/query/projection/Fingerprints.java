package io.zepusers.query.projection;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zepusers.events.EventJson;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserUpdated;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What tells two records claiming the same (aggregate, sequence) apart: SHA-256 of the event id,
 * its type and its data without the personal fields. Those are left out because a user's delete
 * erases them in the event store, so the same event re-published afterwards no longer carries them;
 * everything else of an event never changes.
 */
final class Fingerprints {

  private static final ObjectMapper MAPPER = withoutPersonalData(EventJson.newMapper());

  private Fingerprints() {}

  static byte[] of(PublishedEvent event) {
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
    try {
      sha256.update(MAPPER.writeValueAsBytes(event.data()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write " + event.type() + ": " + e.getOriginalMessage(), e);
    }
    return sha256.digest();
  }

  private static ObjectMapper withoutPersonalData(ObjectMapper mapper) {
    mapper.addMixIn(UserCreated.class, PersonalUserFields.class);
    mapper.addMixIn(UserUpdated.class, PersonalUserFields.class);
    mapper.addMixIn(SessionCreated.class, PersonalSessionFields.class);
    mapper.addMixIn(SessionUpdated.class, PersonalSessionFields.class);
    return mapper;
  }

  @JsonIgnoreProperties({"email", "first_name", "last_name", "metadata"})
  private interface PersonalUserFields {}

  @JsonIgnoreProperties({"metadata"})
  private interface PersonalSessionFields {}
}
