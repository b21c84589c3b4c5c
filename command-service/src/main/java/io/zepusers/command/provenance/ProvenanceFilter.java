package io.zepusers.command.provenance;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request a correlation id: the caller's {@code X-Correlation-Id} when it is a sane
 * token, otherwise a new UUID. It is echoed in the response and recorded on the events the request
 * causes.
 */
@Component
public class ProvenanceFilter extends OncePerRequestFilter {

  public static final String HEADER = "X-Correlation-Id";
  private static final String ATTRIBUTE = Provenance.class.getName();
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String given = request.getHeader(HEADER);
    String correlationId =
        given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    request.setAttribute(ATTRIBUTE, new Provenance(correlationId, actorOf(request)));
    response.setHeader(HEADER, correlationId);
    chain.doFilter(request, response);
  }

  /** The provenance of the current request. */
  public static Provenance of(HttpServletRequest request) {
    Object p = request.getAttribute(ATTRIBUTE);
    return p instanceof Provenance provenance
        ? provenance
        : new Provenance(UUID.randomUUID().toString(), null);
  }

  /**
   * The API key's subject when auth is on (Spring Security's filters, which run first, set the
   * principal); else nobody.
   */
  private static String actorOf(HttpServletRequest request) {
    return request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
  }
}
