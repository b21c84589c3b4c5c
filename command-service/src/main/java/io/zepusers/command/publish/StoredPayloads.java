package io.zepusers.command.publish;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;

/**
 * The bytes an event read from the store has there, without deserializing it. Axon hands a stored
 * payload back as it is (converted) when asked to serialize it with the serializer that stored it,
 * and otherwise serializes the payload object. This asks with a stand-in that Axon takes for the
 * store's serializer, and that refuses to serialize anything: an event not read from the store (or
 * read with another serializer) is then not serialized for nothing, nor encrypted under a new key,
 * but reported as not stored.
 */
final class StoredPayloads {

  private final Serializer probe;

  /**
   * @param store the serializer the event store reads and writes events with
   */
  StoredPayloads(Serializer store) {
    this.probe = new Probe(store);
  }

  /** The payload's stored bytes, or null when the message does not carry them. */
  byte[] of(EventMessage<?> message) {
    try {
      return message.serializePayload(probe, byte[].class).getData();
    } catch (NotStored e) {
      return null;
    }
  }

  private static final class NotStored extends RuntimeException {
    NotStored() {
      super(null, null, false, false);
    }
  }

  /** Equal to the store's serializer only, with its converter; serializes nothing. */
  private static final class Probe implements Serializer {
    private final Serializer store;

    Probe(Serializer store) {
      this.store = store;
    }

    @Override
    public boolean equals(Object other) {
      return other == store || other == this;
    }

    @Override
    public int hashCode() {
      return store.hashCode();
    }

    @Override
    public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
      throw new NotStored();
    }

    @Override
    public <T> boolean canSerializeTo(Class<T> expectedRepresentation) {
      return store.canSerializeTo(expectedRepresentation);
    }

    @Override
    public <S, T> T deserialize(SerializedObject<S> serializedObject) {
      throw new NotStored();
    }

    @Override
    public Class classForType(SerializedType type) {
      return store.classForType(type);
    }

    @Override
    public SerializedType typeForClass(Class type) {
      return store.typeForClass(type);
    }

    @Override
    public Converter getConverter() {
      return store.getConverter();
    }
  }
}
