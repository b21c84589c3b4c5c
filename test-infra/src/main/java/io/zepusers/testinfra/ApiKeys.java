package io.zepusers.testinfra;

/**
 * API keys for tests: the real ones ({@link io.zepusers.api.ApiKeys}) and the forgeries a server
 * must refuse.
 */
public final class ApiKeys {

  private ApiKeys() {}

  public static String sign(String secret, String claimsJson) {
    return io.zepusers.api.ApiKeys.sign(secret, claimsJson);
  }

  /** A key signed with another HMAC algorithm ({@code HS256}, {@code HS384}, {@code HS512}). */
  public static String sign(String secret, String alg, String claimsJson) {
    return io.zepusers.api.ApiKeys.sign(secret, alg, claimsJson);
  }

  /** A key that claims {@code "alg": "none"} and carries no signature. */
  public static String unsigned(String claimsJson) {
    return io.zepusers.api.ApiKeys.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")
        + "."
        + io.zepusers.api.ApiKeys.encode(claimsJson)
        + ".";
  }
}
