package io.zepusers.query.web;

import io.zepusers.query.consistency.ReadYourWrites;
import io.zepusers.web.PlainTextErrors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The read side's own refusal, on top of the shared one-line errors. */
@RestControllerAdvice
class ApiErrors extends PlainTextErrors {

  @ExceptionHandler(ReadYourWrites.ProjectionBehindException.class)
  ResponseEntity<String> behind(ReadYourWrites.ProjectionBehindException e) {
    return text(HttpStatus.SERVICE_UNAVAILABLE, "service unavailable: " + e.getMessage());
  }
}
