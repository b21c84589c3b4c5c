package io.zepusers.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who calls with a verified key: named by its {@code sub} (the actor the write side records on
 * events), an admin when it carries the admin claim ({@code "admin": true}, or role {@code admin}
 * as some issuers spell it).
 */
final class ApiKeyCallers implements Converter<Jwt, JwtAuthenticationToken> {

  /** The authority administrative routes and actuator endpoints (but health) need. */
  static final String ADMIN = "zep:admin";

  @Override
  public JwtAuthenticationToken convert(Jwt key) {
    List<GrantedAuthority> authorities =
        isAdmin(key) ? List.of(new SimpleGrantedAuthority(ADMIN)) : List.of();
    return new JwtAuthenticationToken(key, authorities, name(key));
  }

  /**
   * {@code sub} when the key has one; otherwise a stable name of the key itself that does not
   * reveal it.
   */
  static String name(Jwt key) {
    String subject = key.getSubject();
    if (subject != null && !subject.isBlank()) {
      return subject;
    }
    String token = key.getTokenValue();
    String signature = token.substring(token.lastIndexOf('.') + 1);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(signature.getBytes(StandardCharsets.US_ASCII));
      return "key:" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static boolean isAdmin(Jwt key) {
    Object admin = key.getClaims().get("admin");
    if (Boolean.TRUE.equals(admin) || "true".equals(admin)) {
      return true;
    }
    if (key.getClaims().get("roles") instanceof Collection<?> roles && roles.contains("admin")) {
      return true;
    }
    return "admin".equals(key.getClaims().get("role"));
  }
}
