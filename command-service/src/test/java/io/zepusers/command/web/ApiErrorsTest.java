package io.zepusers.command.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.command.application.WriteConflictException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

class ApiErrorsTest {

  @Test
  void aWriteThatLostEveryRetryIsA409WithAOneLineReason() {
    ResponseEntity<String> answer =
        new ApiErrors().conflict(new WriteConflictException(new ConcurrencyException("taken")));
    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(answer.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_PLAIN))
        .isTrue();
    assertThat(answer.getBody()).startsWith("conflict: ").endsWith("again\n");
    assertThat(answer.getBody().strip()).doesNotContain("\n");
  }
}
