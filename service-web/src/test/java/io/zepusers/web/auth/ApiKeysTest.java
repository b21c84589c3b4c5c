package io.zepusers.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** API keys as the services check them: Nimbus verifies, {@link ApiKeyCallers} names the caller. */
class ApiKeysTest {

  static final String SECRET = "a-secret-of-at-least-thirty-two-bytes";
  private final JwtDecoder keys = ApiKeyDecoder.forSecret(SECRET);
  private final long now = Instant.now().getEpochSecond();

  @Test
  void aKeySignedWithTheSecretNamesItsSubject() {
    JwtAuthenticationToken ops = caller(sign(SECRET, "HS256", "{\"sub\":\"ops@example.com\"}"));
    assertThat(ops.getName()).isEqualTo("ops@example.com");
    assertThat(ops.getAuthorities()).isEmpty();
    assertThat(caller(sign(SECRET, "HS256", "{\"sub\":\"root\",\"admin\":true}")).getAuthorities())
        .extracting(Object::toString)
        .containsExactly(ApiKeyCallers.ADMIN);
    assertThat(caller(sign(SECRET, "HS256", "{\"roles\":[\"x\",\"admin\"]}")).getAuthorities())
        .hasSize(1);
    assertThat(caller(sign(SECRET, "HS256", "{\"role\":\"admin\"}")).getAuthorities()).hasSize(1);
    assertThat(caller(sign(SECRET, "HS256", "{\"sub\":\"x\",\"admin\":false}")).getAuthorities())
        .isEmpty();
    assertThat(
            caller(sign(SECRET, "HS256", "{\"sub\":\"x\",\"exp\":" + (now + 60) + "}")).getName())
        .isEqualTo("x");
  }

  @Test
  void aKeyMintedByTheAdminScriptIsAnAdmins() {
    // ZEP_AUTH_SECRET=0123456789abcdef0123456789abcdef admin/make-api-key ops@example.com --admin
    String minted =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvcHNAZXhhbXBsZS5jb20iLCJhZG1pbiI6dHJ1ZSwiaWF0IjoxNzk1NDQwNjQ1fQ.ge16DPjvUXQr2MBYy_5ol4dtAmAHHPWo7E2kwg89Wfg";
    JwtAuthenticationToken ops =
        new ApiKeyCallers()
            .convert(ApiKeyDecoder.forSecret("0123456789abcdef0123456789abcdef").decode(minted));
    assertThat(ops.getName()).isEqualTo("ops@example.com");
    assertThat(ops.getAuthorities())
        .extracting(Object::toString)
        .containsExactly(ApiKeyCallers.ADMIN);
  }

  @Test
  void aKeyWithoutSubjectGetsAStableNameThatDoesNotRevealIt() {
    String key = sign(SECRET, "HS256", "{\"iat\":1}");
    String name = caller(key).getName();
    assertThat(name).startsWith("key:").hasSize(16).isEqualTo(caller(key).getName());
    assertThat(key).doesNotContain(name.substring(4));
  }

  @Test
  void wrongSecretOtherAlgorithmsNoSignatureExpiryAndGarbageAreRefused() {
    String admin = "{\"sub\":\"a\",\"admin\":true}";
    String valid = sign(SECRET, "HS256", admin);
    assertRefused(sign("another-secret-of-thirty-two-bytes!", "HS256", admin));
    assertRefused(sign(SECRET, "HS512", admin));
    assertRefused(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(admin) + ".");
    assertRefused(valid.substring(0, valid.lastIndexOf('.') + 1));
    assertRefused(valid.substring(0, valid.lastIndexOf('.')));
    assertRefused(sign(SECRET, "HS256", "{\"sub\":\"a\",\"exp\":" + (now - 1) + "}"));
    assertRefused(sign(SECRET, "HS256", "{\"sub\":\"a\",\"nbf\":" + (now + 60) + "}"));
    assertRefused("not.a.jwt");
    assertRefused("garbage");
  }

  @Test
  void aSecretTooShortForHs256StopsTheServiceFromStarting() {
    assertThatThrownBy(() -> ApiKeyDecoder.forSecret("s3cret"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("zep.auth.secret must be at least 32 bytes");
  }

  @Test
  void whatTheFirewallQuotesBecomesOneLine() {
    assertThat(
            PlainTextRequestRejection.oneLine(
                "The request was rejected because the URL contained a potentially malicious String \"\n\""))
        .isEqualTo(
            "the request was rejected because the URL contained a potentially malicious String \"\\u000a\"");
  }

  private JwtAuthenticationToken caller(String key) {
    return new ApiKeyCallers().convert(keys.decode(key));
  }

  private void assertRefused(String key) {
    assertThatThrownBy(() -> keys.decode(key)).as(key).isInstanceOf(JwtException.class);
  }

  static String sign(String secret, String alg, String claims) {
    String unsigned = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(claims);
    try {
      String mac = "HmacSHA" + alg.substring(2);
      Mac hmac = Mac.getInstance(mac);
      hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), mac));
      return unsigned
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(hmac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
