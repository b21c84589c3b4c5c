package io.zepusers.gateway.inbound;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request body that stopped arriving or broke its chunked framing. It fails the body stream,
 * which aborts the upload to the backend; the error handler then answers {@link #line()}.
 * Stackless: it is the client's doing, and it may pass through several loggers.
 */
public class RequestBodyException extends ResponseStatusException {

  private final String line;

  RequestBodyException(HttpStatus status, String line) {
    super(status, line);
    this.line = line;
  }

  static RequestBodyException malformedChunkedBody() {
    return new RequestBodyException(HttpStatus.BAD_REQUEST, "bad request: malformed chunked body");
  }

  /** The one line of text/plain to answer. */
  public String line() {
    return line;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
