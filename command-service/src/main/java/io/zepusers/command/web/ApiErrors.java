package io.zepusers.command.web;

import io.zepusers.command.session.SessionAlreadyExistsException;
import io.zepusers.command.session.SessionNotFoundException;
import io.zepusers.command.session.UnknownUserException;
import io.zepusers.command.user.UserAlreadyExistsException;
import io.zepusers.command.user.UserNotFoundException;
import io.zepusers.web.PlainTextErrors;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The write side's own refusals, on top of the shared one-line errors. */
@RestControllerAdvice
public class ApiErrors extends PlainTextErrors {

  @ExceptionHandler({
    UserAlreadyExistsException.class,
    SessionAlreadyExistsException.class,
    UnknownUserException.class
  })
  ResponseEntity<String> rejected(RuntimeException e) {
    return text(HttpStatus.BAD_REQUEST, "bad request: " + e.getMessage());
  }

  @ExceptionHandler(BodyTooLargeException.class)
  ResponseEntity<String> tooLarge(BodyTooLargeException e) {
    return text(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
  }

  @ExceptionHandler({
    UserNotFoundException.class,
    SessionNotFoundException.class,
    AggregateNotFoundException.class
  })
  ResponseEntity<String> missing(RuntimeException e) {
    return text(HttpStatus.NOT_FOUND, "not found");
  }
}
