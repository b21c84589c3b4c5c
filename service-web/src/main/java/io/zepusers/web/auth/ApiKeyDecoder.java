package io.zepusers.web.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Zep's API keys: JWTs signed HS256 with the server's secret. Nimbus verifies the signature and
 * refuses any other algorithm ({@code none} included); {@code exp} and {@code nbf} are honoured to
 * the second, as Zep does.
 */
final class ApiKeyDecoder {

  /**
   * RFC 7518 3.2: an HS256 key is at least as long as the hash. Nimbus refuses shorter ones on
   * every request.
   */
  static final int MIN_SECRET_BYTES = 32;

  private ApiKeyDecoder() {}

  static JwtDecoder forSecret(String secret) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_SECRET_BYTES) {
      // fail at startup rather than answer every call with an error
      throw new IllegalStateException(
          "zep.auth.secret must be at least "
              + MIN_SECRET_BYTES
              + " bytes (256 bits) to sign HS256 keys; it has "
              + key.length);
    }
    NimbusJwtDecoder decoder =
        NimbusJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
            .macAlgorithm(MacAlgorithm.HS256)
            .build();
    // Zep's keys say nothing about their type and are minted next to the server: no typ check, no
    // clock skew
    decoder.setJwtValidator(new JwtTimestampValidator(Duration.ZERO));
    return decoder;
  }
}
