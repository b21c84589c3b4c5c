package io.zepusers.command.personaldata;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
   * The key ids of a range of stored events, found by the envelope's place in each payload rather
   * than by parsing it as JSON, which took five times as long (docs/performance.md). The serializer
   * writes the envelope compact, as a top-level field; inside a JSON string its quotes would be
   * escaped, so only a key of plain metadata can look the same: a session's without a user, which
   * has no envelope and needs no key. What such a look-alike names is loaded if it is a key's id,
   * and skipped if it is not a UUID.
   */
  private static final String ENVELOPE_KEY_ID =
      "\"" + PersonalDataProtectingSerializer.ENVELOPE + "\":{\"key_id\":\"";

  private static final String KEYS_OF_EVENTS =
      "SELECT k.key_id, k.secret FROM personal_data_keys k WHERE k.key_id IN ("
          + " SELECT DISTINCT found.key_id::uuid FROM ("
          + "  SELECT convert_from(substring(e.payload FROM at.position + "
          + ENVELOPE_KEY_ID.length()
          + " FOR 36), 'UTF8') AS key_id"
          + "  FROM domainevententry e, LATERAL (SELECT position('"
          + ENVELOPE_KEY_ID
          + "'::bytea IN e.payload) AS position) at"
          + "  WHERE e.globalindex > ? AND e.globalindex <= ? AND at.position > 0) found"
          + " WHERE pg_input_is_valid(found.key_id, 'uuid'))";

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
   * Loads, in one query, the keys of the events stored at global indexes {@code afterIndex}
   * (exclusive) to {@code upToIndex}: a reader of many events (the generation builder) then finds
   * them here instead of asking the database once per user. Keys destroyed meanwhile are simply not
   * found, as by {@link #find}.
   */
  public void loadForEvents(long afterIndex, long upToIndex) {
    try {
      jdbc.query(
          KEYS_OF_EVENTS,
          rs -> {
            byId.put(
                rs.getObject(1, UUID.class), Optional.of(new SecretKeySpec(rs.getBytes(2), "AES")));
          },
          afterIndex,
          upToIndex);
    } catch (DataAccessException e) {
      // a payload that is not JSON, say: its events' keys are then found one by one
      log.debug(
          "could not load the keys of events {} to {} at once: {}",
          afterIndex + 1,
          upToIndex,
          e.getMessage());
    }
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
