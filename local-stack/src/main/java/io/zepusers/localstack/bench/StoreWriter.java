package io.zepusers.localstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zepusers.events.EventJson;
import io.zepusers.events.EventTypes;
import io.zepusers.events.PersonalFields;
import io.zepusers.events.ZepEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes events straight into command-service's event store, as command-service stores them: Axon's
 * {@code domainevententry} rows with the contract's JSON, personal fields encrypted (AES-GCM) with
 * a key per user in {@code personal_data_keys}. A million events through the API would take more
 * than an hour on a small machine; this takes seconds, and a rebuild then reads, decrypts and
 * republishes exactly what it would read in production.
 */
final class StoreWriter implements AutoCloseable {

  private static final int BATCH = 2_000;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final SecureRandom random = new SecureRandom();
  private final Connection db;
  private final PreparedStatement events;
  private final PreparedStatement keys;
  private int pending;

  StoreWriter(String commandsJdbcUrl) throws SQLException {
    db = DriverManager.getConnection(commandsJdbcUrl);
    db.setAutoCommit(false);
    events =
        db.prepareStatement(
            "INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload, payloadtype, \"timestamp\") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    keys =
        db.prepareStatement(
            "INSERT INTO personal_data_keys (user_id, key_id, secret) VALUES (?, ?, ?)");
  }

  /** A new user's key. */
  Key newKey(String userId) throws SQLException {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    Key key = new Key(UUID.randomUUID(), new SecretKeySpec(secret, "AES"));
    keys.setString(1, userId);
    keys.setObject(2, key.id());
    keys.setBytes(3, secret);
    keys.addBatch();
    return key;
  }

  void append(String aggregateType, String aggregateId, long sequence, ZepEvent event, Key key)
      throws Exception {
    ObjectNode json = mapper.valueToTree(event);
    ObjectNode personal = mapper.createObjectNode();
    for (String field : PersonalFields.of(event.getClass())) {
      JsonNode value = json.remove(field);
      if (value != null) {
        personal.set(field, value);
      }
    }
    if (!personal.isEmpty()) {
      json.set("personal_data", encrypt(key, personal));
    }
    events.setString(1, aggregateId);
    events.setLong(2, sequence);
    events.setString(3, aggregateType);
    events.setString(4, UUID.randomUUID().toString());
    // what command-service stores with every event: Axon's trace and correlation ids (the
    // command's id) and the request's provenance
    String command = UUID.randomUUID().toString();
    events.setBytes(
        5,
        ("{\"traceId\":\""
                + command
                + "\",\"correlationId\":\""
                + command
                + "\",\"zep.correlationId\":\""
                + UUID.randomUUID()
                + "\",\"zep.actor\":\"bench@example.com\"}")
            .getBytes(StandardCharsets.UTF_8));
    events.setBytes(6, mapper.writeValueAsBytes(json));
    events.setString(7, EventTypes.nameOf(event)); // the stable name, as command-service stores it
    events.setString(8, event.occurredAt().toString());
    events.addBatch();
    if (++pending >= BATCH) {
      flush();
    }
  }

  private ObjectNode encrypt(Key key, ObjectNode personal)
      throws GeneralSecurityException, IOException {
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, key.secret(), new GCMParameterSpec(128, nonce));
    cipher.updateAAD(key.id().toString().getBytes(StandardCharsets.UTF_8));
    ObjectNode envelope = mapper.createObjectNode();
    envelope.put("key_id", key.id().toString());
    envelope.put("nonce", Base64.getEncoder().encodeToString(nonce));
    envelope.put(
        "ciphertext",
        Base64.getEncoder().encodeToString(cipher.doFinal(mapper.writeValueAsBytes(personal))));
    return envelope;
  }

  void flush() throws SQLException {
    keys.executeBatch();
    events.executeBatch();
    db.commit();
    pending = 0;
  }

  @Override
  public void close() throws SQLException {
    flush();
    db.close();
  }

  record Key(UUID id, SecretKeySpec secret) {}
}
