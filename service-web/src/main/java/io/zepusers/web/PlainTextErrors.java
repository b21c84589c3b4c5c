package io.zepusers.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Errors as Zep clients expect them: one line of text/plain. 404 and 401 are mapped by status alone; anything else
 * is shown to the user as text, so it says what is wrong, naming the field. Each service's advice extends this with
 * its own exceptions (the closest match wins, so those come before the catch-all 500).
 */
public abstract class PlainTextErrors {

  private static final Logger log = LoggerFactory.getLogger(PlainTextErrors.class);

  @ExceptionHandler(BadRequestException.class)
  ResponseEntity<String> badRequest(BadRequestException e) {
    return text(HttpStatus.BAD_REQUEST, "bad request: " + e.getMessage());
  }

  @ExceptionHandler({NotFoundException.class, NoResourceFoundException.class})
  ResponseEntity<String> notFound(Exception e) {
    return text(HttpStatus.NOT_FOUND, "not found");
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<String> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
    return text(HttpStatus.METHOD_NOT_ALLOWED, "method not allowed: " + e.getMethod());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<String> unexpected(Exception e) {
    log.error("request failed", e);
    return text(HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
  }

  /** One line of text/plain. */
  public static ResponseEntity<String> text(HttpStatus status, String message) {
    return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(message + "\n");
  }
}
