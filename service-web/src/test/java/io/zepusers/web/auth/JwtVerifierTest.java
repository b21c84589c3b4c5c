package io.zepusers.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final JwtVerifier verifier = new JwtVerifier("s3cret", Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aTokenSignedWithTheSecretNamesItsSubject() {
    assertThat(verifier.verify(token("s3cret", "HS256", "{\"sub\":\"ops@example.com\"}")))
        .contains(new JwtVerifier.Caller("ops@example.com", false));
    assertThat(verifier.verify(token("s3cret", "HS256", "{\"sub\":\"root\",\"admin\":true}")).orElseThrow().admin()).isTrue();
    assertThat(verifier.verify(token("s3cret", "HS256", "{\"roles\":[\"x\",\"admin\"]}")).orElseThrow().admin()).isTrue();
  }

  @Test
  void aKeyWithoutSubjectGetsAStableNameThatDoesNotRevealIt() {
    String key = token("s3cret", "HS256", "{\"iat\":1}");
    String name = verifier.verify(key).orElseThrow().name();
    assertThat(name).startsWith("key:").hasSize(16).isEqualTo(verifier.verify(key).orElseThrow().name());
    assertThat(key).doesNotContain(name.substring(4));
  }

  @Test
  void wrongSecretOtherAlgorithmsExpiryAndGarbageAreRefused() {
    assertThat(verifier.verify(token("other", "HS256", "{\"sub\":\"a\"}"))).isEmpty();
    assertThat(verifier.verify(token("s3cret", "HS512", "{\"sub\":\"a\"}"))).isEmpty();
    assertThat(verifier.verify(token("s3cret", "none", "{\"sub\":\"a\"}").replaceAll("\\.[^.]*$", "."))).isEmpty();
    assertThat(verifier.verify(token("s3cret", "HS256", "{\"exp\":" + NOW.getEpochSecond() + "}"))).isEmpty();
    assertThat(verifier.verify(token("s3cret", "HS256", "{\"nbf\":" + (NOW.getEpochSecond() + 60) + "}"))).isEmpty();
    assertThat(verifier.verify(token("s3cret", "HS256", "{\"exp\":" + (NOW.getEpochSecond() + 60) + "}"))).isPresent();
    assertThat(verifier.verify("not.a.jwt")).isEmpty();
    assertThat(verifier.verify("")).isEmpty();
  }

  static String token(String secret, String alg, String claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String head = b64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
    String body = b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return head + "." + body + "." + b64.encodeToString(mac.doFinal((head + "." + body).getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
