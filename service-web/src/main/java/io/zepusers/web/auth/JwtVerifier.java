package io.zepusers.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Zep's API keys: JWTs signed HS256 with the server's secret. Verifies the signature (constant time), refuses any
 * other algorithm, and honours {@code exp} and {@code nbf}.
 */
public final class JwtVerifier {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();

  private final byte[] secret;
  private final Clock clock;

  public JwtVerifier(String secret, Clock clock) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** The caller, when {@code token} is valid. */
  public Optional<Caller> verify(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode header = JSON.readTree(B64.decode(parts[0]));
      if (!"HS256".equals(header.path("alg").asString())) {
        return Optional.empty();
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!MessageDigest.isEqual(expected, B64.decode(parts[2]))) {
        return Optional.empty();
      }
      JsonNode claims = JSON.readTree(B64.decode(parts[1]));
      long now = clock.instant().getEpochSecond();
      if (claims.has("exp") && claims.path("exp").asLong() <= now) {
        return Optional.empty();
      }
      if (claims.has("nbf") && claims.path("nbf").asLong() > now) {
        return Optional.empty();
      }
      return Optional.of(new Caller(name(claims, parts[2]), isAdmin(claims)));
    } catch (JacksonException | IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  /** {@code sub} when the token has one; otherwise a stable, non-secret name of the key itself. */
  private static String name(JsonNode claims, String signature) throws GeneralSecurityException {
    if (claims.hasNonNull("sub") && !claims.path("sub").asString().isBlank()) {
      return claims.path("sub").asString();
    }
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(signature.getBytes(StandardCharsets.US_ASCII));
    return "key:" + HexFormat.of().formatHex(digest, 0, 6);
  }

  private static boolean isAdmin(JsonNode claims) {
    if (claims.path("admin").asBoolean(false)) {
      return true;
    }
    JsonNode roles = claims.path("roles");
    if (roles.isArray()) {
      for (JsonNode role : roles) {
        if ("admin".equals(role.asString())) {
          return true;
        }
      }
    }
    return "admin".equals(claims.path("role").asString());
  }

  /**
   * Who is calling.
   *
   * @param name the {@code sub} claim, or {@code key:<hash>} for a key without one
   * @param admin whether the token carries the admin claim ({@code "admin": true}, or role {@code admin})
   */
  public record Caller(String name, boolean admin) {}
}
