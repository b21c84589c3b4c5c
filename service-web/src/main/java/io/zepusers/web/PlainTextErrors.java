package io.zepusers.web;

import io.zepusers.api.InvalidInputException;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestValueException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Errors as Zep clients expect them: one line of text/plain. 404 and 401 are mapped by status
 * alone; anything else is shown to the user as text, so it says what is wrong, naming the field.
 * Each service's advice extends this with its own exceptions (the closest match wins, so those come
 * before the catch-all 500).
 */
public abstract class PlainTextErrors {

  private static final Logger log = LoggerFactory.getLogger(PlainTextErrors.class);

  @ExceptionHandler(BadRequestException.class)
  ResponseEntity<String> badRequest(BadRequestException e) {
    return text(HttpStatus.BAD_REQUEST, "bad request: " + e.getMessage());
  }

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<String> invalidInput(InvalidInputException e) {
    return text(HttpStatus.BAD_REQUEST, "bad request: " + e.getMessage());
  }

  /** A Content-Type or Accept header that is not a media type at all. */
  @ExceptionHandler(InvalidMediaTypeException.class)
  ResponseEntity<String> invalidMediaType(InvalidMediaTypeException e) {
    return text(
        HttpStatus.BAD_REQUEST,
        "bad request: invalid media type \"" + oneLine(e.getMediaType()) + "\"");
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<String> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
    return text(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported media type: " + e.getContentType());
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<String> notAcceptable(HttpMediaTypeNotAcceptableException e) {
    return text(
        HttpStatus.NOT_ACCEPTABLE, "not acceptable: answers are application/json or text/plain");
  }

  @ExceptionHandler({
    MissingRequestValueException.class,
    MethodArgumentTypeMismatchException.class,
    HttpMessageNotReadableException.class
  })
  ResponseEntity<String> unreadable(Exception e) {
    return text(HttpStatus.BAD_REQUEST, "bad request: " + oneLine(e.getMessage()));
  }

  @ExceptionHandler({NotFoundException.class, NoResourceFoundException.class})
  ResponseEntity<String> notFound(Exception e) {
    return text(HttpStatus.NOT_FOUND, "not found");
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<String> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
    return text(HttpStatus.METHOD_NOT_ALLOWED, "method not allowed: " + e.getMethod());
  }

  /**
   * A failure of ours. Once part of an answer is on its way (a streamed list), no status can say so
   * any more, and appending an error text would turn the answer into something that looks whole:
   * rethrowing leaves the response to the container, which then closes the connection without
   * ending the body, so the client sees a broken transfer.
   */
  @ExceptionHandler(Exception.class)
  ResponseEntity<String> unexpected(Exception e, HttpServletResponse response) throws Exception {
    if (response.isCommitted()) {
      log.error("request failed after its answer had begun; aborting the connection", e);
      throw e;
    }
    log.error("request failed", e);
    return text(HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
  }

  /** One line of text/plain. */
  public static ResponseEntity<String> text(HttpStatus status, String message) {
    return ResponseEntity.status(status)
        .contentType(MediaType.TEXT_PLAIN)
        .body(oneLine(message) + "\n");
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    String line = message.replaceAll("[\\r\\n\\t]+", " ").replaceAll("\\p{Cntrl}", "?").strip();
    return line.length() <= 300 ? line : line.substring(0, 297) + "...";
  }
}
