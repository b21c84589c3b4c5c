package io.zepusers.gateway.limits;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request body, declared or streamed, went past {@code zep.gateway.max-body-size}. Stackless: it
 * is an expected client error, and reactor-netty logs it when it aborts the upload.
 */
public class RequestBodyTooLargeException extends ResponseStatusException {

  public RequestBodyTooLargeException(long limitBytes) {
    super(HttpStatus.PAYLOAD_TOO_LARGE, "request body larger than " + limitBytes + " bytes");
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
