package io.zepusers.query.web;

import io.zepusers.query.consistency.ReadYourWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Errors as Zep clients expect them: one line of text/plain. */
@RestControllerAdvice
public class ApiErrors {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(BadRequestException.class)
  ResponseEntity<String> badRequest(BadRequestException e) {
    return text(HttpStatus.BAD_REQUEST, "bad request: " + e.getMessage());
  }

  @ExceptionHandler({NotFoundException.class, NoResourceFoundException.class})
  ResponseEntity<String> notFound(Exception e) {
    return text(HttpStatus.NOT_FOUND, "not found");
  }

  @ExceptionHandler(ReadYourWrites.ProjectionBehindException.class)
  ResponseEntity<String> behind(ReadYourWrites.ProjectionBehindException e) {
    return text(HttpStatus.SERVICE_UNAVAILABLE, "service unavailable: " + e.getMessage());
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

  private static ResponseEntity<String> text(HttpStatus status, String message) {
    return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(message + "\n");
  }

  /** The thing asked for does not exist (now). */
  public static class NotFoundException extends RuntimeException {
    public NotFoundException() {
      super("not found");
    }
  }
}
