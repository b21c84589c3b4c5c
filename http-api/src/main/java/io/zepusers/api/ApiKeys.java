package io.zepusers.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * API keys as Zep issues them: JWTs signed with the server's secret (HS256; HS384 and HS512 for
 * tests of refusal).
 */
public final class ApiKeys {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private ApiKeys() {}

  public static String sign(String secret, String claimsJson) {
    return sign(secret, "HS256", claimsJson);
  }

  /** A key signed with an HMAC algorithm: {@code HS256}, {@code HS384} or {@code HS512}. */
  public static String sign(String secret, String alg, String claimsJson) {
    String unsigned =
        encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + encode(claimsJson);
    try {
      String mac = "HmacSHA" + alg.substring(2);
      Mac hmac = Mac.getInstance(mac);
      hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), mac));
      return unsigned
          + "."
          + B64.encodeToString(hmac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base64url form a key's header and claims take. */
  public static String encode(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
