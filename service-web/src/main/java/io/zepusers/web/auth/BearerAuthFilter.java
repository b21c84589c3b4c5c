package io.zepusers.web.auth;

import io.zepusers.web.auth.JwtVerifier.Caller;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Optional;

/**
 * Zep's authentication, on when a secret is configured: every {@code /api/v1/} call needs
 * {@code Authorization: Bearer <JWT>} (401 {@code unauthorized} otherwise), administrative calls also the admin
 * claim (403). The caller becomes the request's principal, which the write side records on its events.
 */
public final class BearerAuthFilter implements Filter {

  private final JwtVerifier verifier;

  public BearerAuthFilter(JwtVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    String path = request.getRequestURI();
    boolean api = path.startsWith("/api/");
    boolean admin = path.startsWith("/api/v1/admin/") || path.startsWith("/admin/");
    if (!api && !admin) {
      chain.doFilter(req, res);
      return;
    }
    Optional<Caller> caller = bearer(request).flatMap(verifier::verify);
    if (caller.isEmpty()) {
      reject(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized");
      return;
    }
    if (admin && !caller.get().admin()) {
      reject(response, HttpServletResponse.SC_FORBIDDEN, "forbidden: this call needs a token with the admin claim");
      return;
    }
    Principal principal = caller.get()::name;
    chain.doFilter(
        new HttpServletRequestWrapper(request) {
          @Override
          public Principal getUserPrincipal() {
            return principal;
          }
        },
        res);
  }

  private static Optional<String> bearer(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(header.substring(7).trim());
  }

  private static void reject(HttpServletResponse response, int status, String message) throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain;charset=utf-8");
    response.getWriter().write(message + "\n");
  }
}
