package io.zepusers.command.web;

import io.zepusers.command.application.CommandRefusedException;
import io.zepusers.command.application.TargetNotFoundException;
import io.zepusers.command.application.WriteConflictException;
import io.zepusers.web.PlainTextErrors;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The write side's own refusals, on top of the shared one-line errors. */
@RestControllerAdvice
class ApiErrors extends PlainTextErrors {

  @ExceptionHandler(CommandRefusedException.class)
  ResponseEntity<String> refused(CommandRefusedException e) {
    return text(HttpStatus.BAD_REQUEST, "bad request: " + e.getMessage());
  }

  @ExceptionHandler(WriteConflictException.class)
  ResponseEntity<String> conflict(WriteConflictException e) {
    return text(HttpStatus.CONFLICT, "conflict: " + e.getMessage());
  }

  @ExceptionHandler(BodyTooLargeException.class)
  ResponseEntity<String> tooLarge(BodyTooLargeException e) {
    return text(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
  }

  @ExceptionHandler({TargetNotFoundException.class, AggregateNotFoundException.class})
  ResponseEntity<String> missing(RuntimeException e) {
    return text(HttpStatus.NOT_FOUND, "not found");
  }
}
