package io.zepusers.command.personaldata;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The per-user keys, in the command database, read and written inside the event-store transaction. */
@Component
public class PersonalDataKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcTemplate jdbc;

  PersonalDataKeys(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A user's current key, made on first use. */
  KeyRef currentFor(String userId) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    jdbc.update(
        "INSERT INTO personal_data_keys (user_id, key_id, secret) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        userId,
        UUID.randomUUID(),
        secret);
    return jdbc.queryForObject(
        "SELECT key_id, secret FROM personal_data_keys WHERE user_id = ?",
        (rs, row) -> new KeyRef(rs.getObject(1, UUID.class), new SecretKeySpec(rs.getBytes(2), "AES")),
        userId);
  }

  /** The key with this id, unless it was destroyed. */
  Optional<SecretKey> find(UUID keyId) {
    List<SecretKey> keys =
        jdbc.query("SELECT secret FROM personal_data_keys WHERE key_id = ?", (rs, row) -> new SecretKeySpec(rs.getBytes(1), "AES"), keyId);
    return keys.stream().findFirst();
  }

  /** Destroys the user's key: everything personal it encrypted is unreadable from now on. */
  public void destroy(String userId) {
    jdbc.update("DELETE FROM personal_data_keys WHERE user_id = ?", userId);
  }

  record KeyRef(UUID id, SecretKey key) {}
}
