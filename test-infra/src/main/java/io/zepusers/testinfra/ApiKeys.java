package io.zepusers.testinfra;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** API keys as Zep issues them: JWTs signed HS256 with the server's secret. */
public final class ApiKeys {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private ApiKeys() {}

  public static String sign(String secret, String claimsJson) {
    return sign(secret, "HS256", claimsJson);
  }

  /** A key signed with another HMAC algorithm ({@code HS256}, {@code HS384}, {@code HS512}). */
  public static String sign(String secret, String alg, String claimsJson) {
    String unsigned = encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + encode(claimsJson);
    try {
      String mac = "HmacSHA" + alg.substring(2);
      Mac hmac = Mac.getInstance(mac);
      hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), mac));
      return unsigned + "." + B64.encodeToString(hmac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key that claims {@code "alg": "none"} and carries no signature. */
  public static String unsigned(String claimsJson) {
    return encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + encode(claimsJson) + ".";
  }

  private static String encode(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
