package io.zepusers.web.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * A request the firewall refuses (a matrix parameter, an encoded dot or backslash, a control
 * character): one line, 400.
 */
final class PlainTextRequestRejection implements RequestRejectedHandler {

  private static final Logger log = LoggerFactory.getLogger(PlainTextRequestRejection.class);

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
      throws IOException {
    log.debug("rejected {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
    response.setContentType("text/plain;charset=utf-8");
    response.getWriter().write("bad request: " + oneLine(e.getMessage()) + "\n");
  }

  /** The firewall quotes what it found, which may be a newline or another control character. */
  static String oneLine(String message) {
    StringBuilder line = new StringBuilder();
    message
        .codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                line.append(String.format("\\u%04x", c));
              } else {
                line.appendCodePoint(c);
              }
            });
    String text = line.toString();
    return text.isEmpty() ? "rejected" : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
