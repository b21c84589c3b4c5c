package io.zepusers.localstack;

import io.zepusers.api.ApiKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * An API key for the stack's own calls when the services run with authentication on: the children
 * inherit {@code ZEP_AUTH_SECRET} from this process, so a key signed with it here is one they
 * accept (the same HS256 JWT {@code admin/make-api-key} mints). Short-lived, never printed.
 */
final class ApiKey {
  static final String SECRET_ENV = "ZEP_AUTH_SECRET";

  private ApiKey() {}

  /**
   * {@code Bearer <jwt>} for {@code subject} when the environment sets a secret; empty when auth is
   * off.
   */
  static Optional<String> authorization(
      Map<String, String> env, String subject, Duration validFor) {
    String secret = env.get(SECRET_ENV);
    if (secret == null || secret.isBlank()) {
      return Optional.empty();
    }
    return Optional.of("Bearer " + mint(secret, subject, false, validFor));
  }

  static String mint(String secret, String subject, boolean admin, Duration validFor) {
    long now = Instant.now().getEpochSecond();
    return ApiKeys.sign(
        secret,
        "{\"sub\":\""
            + subject.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\",\"admin\":"
            + admin
            + ",\"iat\":"
            + now
            + ",\"exp\":"
            + (now + validFor.toSeconds())
            + "}");
  }
}
