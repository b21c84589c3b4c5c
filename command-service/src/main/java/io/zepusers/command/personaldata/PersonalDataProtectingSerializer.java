package io.zepusers.command.personaldata;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.zepusers.events.EventJson;
import io.zepusers.events.EventTypes;
import io.zepusers.events.PersonalFields;
import io.zepusers.events.SessionCreated;
import io.zepusers.events.SessionUpdated;
import io.zepusers.events.UserCreated;
import io.zepusers.events.UserUpdated;
import io.zepusers.events.ZepEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;

/**
 * Stores the personal data of events encrypted: the email, names and metadata of a user, and the
 * metadata of a user's sessions, are replaced in the stored JSON by {@code
 * "personal_data":{"key_id","nonce","ciphertext"}} (AES-256-GCM, one key per user incarnation).
 * Reading decrypts with the key while it exists; once the user is deleted and its key destroyed,
 * those fields read as absent, everywhere (aggregates, republishing).
 */
public class PersonalDataProtectingSerializer implements Serializer {

  static final String ENVELOPE = "personal_data";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE_BYTES = 12;

  /**
   * One cipher object per thread, initialised afresh for each use: {@code Cipher.getInstance} walks
   * the security providers every time, and was a tenth of command-service's CPU while it wrote a
   * million events into a new generation (docs/performance.md).
   */
  private static final ThreadLocal<Cipher> AES_GCM =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("AES/GCM is not available", e);
            }
          });

  private final Serializer delegate;
  private final PersonalDataKeys keys;
  private final ObjectMapper mapper = EventJson.newMapper();
  private final ObjectReader metaDataReader =
      mapper.readerFor(new TypeReference<Map<String, Object>>() {});
  private static final String META_DATA = MetaData.class.getName();

  public PersonalDataProtectingSerializer(Serializer delegate, PersonalDataKeys keys) {
    this.delegate = delegate;
    this.keys = keys;
  }

  @Override
  public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
    Optional<String> typeName =
        object == null ? Optional.empty() : EventTypes.nameOf(object.getClass());
    if (typeName.isEmpty()) {
      return delegate.serialize(object, expectedRepresentation);
    }
    ObjectNode json = mapper.valueToTree(object);
    List<String> fields = PersonalFields.of(object.getClass());
    String owner = fields.isEmpty() ? null : ownerOf(object);
    if (owner != null) {
      ObjectNode personal = mapper.createObjectNode();
      for (String field : fields) {
        JsonNode value = json.remove(field);
        if (value != null) {
          personal.set(field, value);
        }
      }
      if (!personal.isEmpty()) {
        json.set(ENVELOPE, encrypt(keys.currentFor(owner), personal));
      }
    }
    byte[] bytes = write(json);
    // the contract's stable name, as on Kafka: the store survives a rename of the classes
    SerializedType type = new SimpleSerializedType(typeName.get(), null);
    return delegate
        .getConverter()
        .convert(new SimpleSerializedObject<>(bytes, byte[].class, type), expectedRepresentation);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <S, T> T deserialize(SerializedObject<S> serialized) {
    if (META_DATA.equals(serialized.getType().getName())) {
      // every stored event's metadata: the delegate would look its class up by name (Class.forName)
      // and build a reader for it, each time; this reads it as Axon's MetaDataDeserializer does, a
      // map of plain JSON values, with the same mapper settings
      byte[] bytes = delegate.getConverter().convert(serialized, byte[].class).getData();
      try {
        return (T) MetaData.from(metaDataReader.<Map<String, Object>>readValue(bytes));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read an event's metadata", e);
      }
    }
    Class<?> type = classForType(serialized.getType());
    if (!ZepEvent.class.isAssignableFrom(type)) {
      return delegate.deserialize(serialized);
    }
    byte[] bytes = delegate.getConverter().convert(serialized, byte[].class).getData();
    // The stored fields and the decrypted ones are copied as tokens into one buffer, which is read
    // into the event: no tree of the stored JSON, no second tree of the decrypted fields (the two
    // trees were a fifth of command-service's samples while it wrote a new generation,
    // docs/performance.md). The serializer moves the personal fields into the envelope, so each
    // field comes once: from the stored JSON or from the envelope.
    try (JsonParser stored = mapper.createParser(bytes)) {
      if (stored.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a stored " + type.getSimpleName() + " is not a JSON object");
      }
      TokenBuffer event = new TokenBuffer(mapper, false);
      event.writeStartObject();
      while (stored.nextToken() == JsonToken.FIELD_NAME) {
        String field = stored.currentName();
        stored.nextToken();
        if (ENVELOPE.equals(field)) {
          JsonNode envelope = stored.readValueAsTree();
          Optional<byte[]> personal = decrypt(envelope == null ? NullNode.getInstance() : envelope);
          if (personal.isPresent()) {
            copyFields(personal.get(), event);
          }
        } else {
          event.writeFieldName(field);
          event.copyCurrentStructure(stored);
        }
      }
      event.writeEndObject();
      try (JsonParser fields = event.asParser()) {
        return (T) mapper.readValue(fields, type);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + type.getSimpleName(), e);
    }
  }

  /** The fields of the JSON object {@code json}, into {@code to}. */
  private void copyFields(byte[] json, TokenBuffer to) throws IOException {
    try (JsonParser personal = mapper.createParser(json)) {
      if (personal.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("decrypted personal data is not a JSON object");
      }
      while (personal.nextToken() == JsonToken.FIELD_NAME) {
        to.writeFieldName(personal.currentName());
        personal.nextToken();
        to.copyCurrentStructure(personal);
      }
    }
  }

  /**
   * The user whose key protects the event; null when nothing in it is personal (a session without a
   * user).
   */
  private static String ownerOf(Object event) {
    if (event instanceof UserCreated e) {
      return e.userId();
    } else if (event instanceof UserUpdated e) {
      return e.userId();
    } else if (event instanceof SessionCreated e) {
      return e.userId();
    } else if (event instanceof SessionUpdated e) {
      return e.userId();
    }
    return null;
  }

  private ObjectNode encrypt(PersonalDataKeys.KeyRef key, ObjectNode personal) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = AES_GCM.get();
      cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(key.id().toString().getBytes(StandardCharsets.UTF_8));
      byte[] ciphertext = cipher.doFinal(write(personal));
      ObjectNode envelope = mapper.createObjectNode();
      envelope.put("key_id", key.id().toString());
      envelope.put("nonce", Base64.getEncoder().encodeToString(nonce));
      envelope.put("ciphertext", Base64.getEncoder().encodeToString(ciphertext));
      return envelope;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt personal data", e);
    }
  }

  /** The personal fields' JSON, or nothing when the key was destroyed. */
  private Optional<byte[]> decrypt(JsonNode envelope) {
    UUID keyId = UUID.fromString(envelope.path("key_id").asText());
    Optional<SecretKey> key = keys.find(keyId);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    try {
      Cipher cipher = AES_GCM.get();
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.get(),
          new GCMParameterSpec(128, Base64.getDecoder().decode(envelope.path("nonce").asText())));
      cipher.updateAAD(keyId.toString().getBytes(StandardCharsets.UTF_8));
      return Optional.of(
          cipher.doFinal(Base64.getDecoder().decode(envelope.path("ciphertext").asText())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("personal data of key " + keyId + " does not decrypt", e);
    }
  }

  private byte[] write(JsonNode json) {
    try {
      return mapper.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public <T> boolean canSerializeTo(Class<T> expectedRepresentation) {
    return delegate.canSerializeTo(expectedRepresentation);
  }

  /**
   * Stable names ({@code user.created}) for the contract's events; anything else as the delegate
   * names it.
   */
  @Override
  public Class classForType(SerializedType type) {
    return EventTypes.classOf(type.getName())
        .map(c -> (Class) c)
        .orElseGet(() -> delegate.classForType(type));
  }

  @Override
  public SerializedType typeForClass(Class type) {
    return EventTypes.nameOf(type)
        .<SerializedType>map(name -> new SimpleSerializedType(name, null))
        .orElseGet(() -> delegate.typeForClass(type));
  }

  @Override
  public Converter getConverter() {
    return delegate.getConverter();
  }
}
