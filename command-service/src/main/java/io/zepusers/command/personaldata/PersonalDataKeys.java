package io.zepusers.command.personaldata;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The per-user keys, in the command database, read and written inside the event-store transaction.
 *
 * <p>Writing asks the database every time (one statement): a key cached by user could outlive a
 * delete made by another instance, and data encrypted with a destroyed key would be lost. Reading
 * (loading an aggregate, publishing) looks keys up by id through a cache: key ids are never reused
 * and a key never changes, so a cached key can only be one destroyed since. This instance's own
 * deletes evict at once; a delete made by another instance is seen here within {@code
 * zep.personal-data.key-cache-ttl} (default 10 s). During that time this instance can still decrypt
 * the deleted user's events in memory (nothing it serves reads them: the API reads the read
 * models).
 */
@Component
public class PersonalDataKeys {

  private static final Logger log = LoggerFactory.getLogger(PersonalDataKeys.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String OF_USER =
      "SELECT key_id, secret FROM personal_data_keys WHERE user_id = ?";
  private static final String CURRENT =
      "WITH made AS (INSERT INTO personal_data_keys (user_id, key_id, secret) VALUES (?, ?, ?)"
          + " ON CONFLICT (user_id) DO NOTHING RETURNING key_id, secret)"
          + " SELECT key_id, secret FROM made UNION ALL "
          + OF_USER;

  /**
   * Where an envelope's key id starts in a stored payload. The serializer writes the envelope
   * compact, as a top-level field; inside a JSON string its quotes would be escaped, so only a key
   * of plain metadata can look the same: a session's without a user, which has no envelope and
   * needs no key. What such a look-alike names is loaded if it is a key's id, and skipped if it is
   * not a UUID.
   */
  private static final byte[] ENVELOPE_KEY_ID =
      ("\"" + PersonalDataProtectingSerializer.ENVELOPE + "\":{\"key_id\":\"")
          .getBytes(StandardCharsets.UTF_8);

  private static final int UUID_CHARS = 36;

  private final JdbcTemplate jdbc;
  private final Cache<UUID, Optional<SecretKey>> byId;

  PersonalDataKeys(
      JdbcTemplate jdbc,
      @Value("${zep.personal-data.key-cache-ttl:10s}") Duration ttl,
      @Value("${zep.personal-data.key-cache-size:100000}") long size) {
    this.jdbc = jdbc;
    this.byId = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(size).build();
  }

  /** A user's current key, made on first use. */
  KeyRef currentFor(String userId) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    // one statement: the INSERT's RETURNING when it made the key, else the existing row (the CTE's
    // SELECT does not see the row the INSERT adds, so at most one of the two answers). Neither
    // answers when another transaction made the key while this statement waited on it: the
    // statement's snapshot is older than that commit, so the row is read again, in a new statement
    // (read committed: it sees the commit).
    RowMapper<KeyRef> keyRef =
        (rs, row) ->
            new KeyRef(rs.getObject(1, UUID.class), new SecretKeySpec(rs.getBytes(2), "AES"));
    List<KeyRef> made = jdbc.query(CURRENT, keyRef, userId, UUID.randomUUID(), secret, userId);
    KeyRef key = made.isEmpty() ? jdbc.queryForObject(OF_USER, keyRef, userId) : made.get(0);
    byId.put(key.id(), Optional.of(key.key()));
    return key;
  }

  /** The key with this id, unless it was destroyed. */
  Optional<SecretKey> find(UUID keyId) {
    return byId.get(
        keyId,
        id -> {
          List<SecretKey> keys =
              jdbc.query(
                  "SELECT secret FROM personal_data_keys WHERE key_id = ?",
                  (rs, row) -> new SecretKeySpec(rs.getBytes(1), "AES"),
                  id);
          return keys.stream().findFirst();
        });
  }

  /**
   * Loads, in one query, the keys of these stored payloads that are not cached yet: a reader of
   * many events (the generation builder) then finds them here instead of asking the database once
   * per user. The key ids are found in the payloads' bytes, by the envelope's place, without
   * parsing them; the query before this read every payload of the range again in the database, and
   * was about 4 ms of statement time per 1,000 events a rebuild wrote (docs/performance.md). A key
   * that is not found was destroyed (ids are never reused), and is remembered as gone, as {@link
   * #find} does.
   */
  public void loadForPayloads(List<byte[]> payloads) {
    Set<UUID> wanted = new LinkedHashSet<>();
    for (byte[] payload : payloads) {
      UUID id = envelopeKeyId(payload);
      if (id != null && byId.getIfPresent(id) == null) {
        wanted.add(id);
      }
    }
    if (wanted.isEmpty()) {
      return;
    }
    Set<UUID> found = new HashSet<>();
    try {
      jdbc.query(
          "SELECT key_id, secret FROM personal_data_keys WHERE key_id = ANY(?::uuid[])",
          rs -> {
            UUID id = rs.getObject(1, UUID.class);
            found.add(id);
            byId.put(id, Optional.of(new SecretKeySpec(rs.getBytes(2), "AES")));
          },
          (Object) wanted.stream().map(UUID::toString).toArray(String[]::new));
    } catch (DataAccessException e) {
      // the database is away: the payloads' keys are then found one by one, when they are read
      log.debug(
          "could not load the keys of {} payloads at once: {}", payloads.size(), e.toString());
      return;
    }
    wanted.removeAll(found);
    wanted.forEach(gone -> byId.put(gone, Optional.empty()));
  }

  /** The key id a stored payload's envelope names, or null (no envelope, or not a UUID there). */
  static UUID envelopeKeyId(byte[] payload) {
    int at = indexOf(payload, ENVELOPE_KEY_ID);
    if (at < 0 || at + ENVELOPE_KEY_ID.length + UUID_CHARS > payload.length) {
      return null;
    }
    String text =
        new String(payload, at + ENVELOPE_KEY_ID.length, UUID_CHARS, StandardCharsets.ISO_8859_1);
    try {
      UUID id = UUID.fromString(text);
      // fromString also takes shorter groups ("1-2-3-4-5"); only the canonical form is a key id
      return id.toString().equals(text.toLowerCase(Locale.ROOT)) ? id : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    byte first = part[0];
    for (int i = 0, last = bytes.length - part.length; i <= last; i++) {
      if (bytes[i] == first && Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }

  /** Destroys the user's key: everything personal it encrypted is unreadable from now on. */
  public void destroy(String userId) {
    List<UUID> destroyed =
        jdbc.queryForList(
            "DELETE FROM personal_data_keys WHERE user_id = ? RETURNING key_id",
            UUID.class,
            userId);
    byId.invalidateAll(destroyed);
  }

  record KeyRef(UUID id, SecretKey key) {}
}
