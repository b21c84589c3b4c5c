package io.zepusers.web.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 as Zep clients expect them: one line of text/plain. The challenge is RFC 6750's,
 * without the reason a key failed (that stays in the debug log) and without a pointer to resource
 * metadata nobody serves here.
 */
final class PlainTextAuthErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

  static final String UNAUTHORIZED = "unauthorized";
  static final String FORBIDDEN = "forbidden: this call needs a token with the admin claim";

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    boolean presented = e instanceof OAuth2AuthenticationException;
    write(
        response,
        HttpServletResponse.SC_UNAUTHORIZED,
        presented ? "Bearer error=\"invalid_token\"" : "Bearer",
        UNAUTHORIZED);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    write(
        response,
        HttpServletResponse.SC_FORBIDDEN,
        "Bearer error=\"insufficient_scope\"",
        FORBIDDEN);
  }

  private static void write(HttpServletResponse response, int status, String challenge, String line)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.setStatus(status);
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
    response.setContentType("text/plain;charset=utf-8");
    response.getWriter().write(line + "\n");
  }
}
