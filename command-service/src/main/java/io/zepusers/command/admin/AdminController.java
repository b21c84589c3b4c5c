package io.zepusers.command.admin;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators' calls on the write side (our own; Zep clients do not call them). */
@RestController
class AdminController {

  private final Republisher republisher;

  AdminController(Republisher republisher) {
    this.republisher = republisher;
  }

  /** Re-sends every stored event to Kafka; 202 with the progress, 409 while one is running. */
  @PostMapping("/api/v1/admin/republish")
  ResponseEntity<?> republish() {
    if (!republisher.start()) {
      return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.TEXT_PLAIN).body("a republish is already running\n");
    }
    return ResponseEntity.accepted().body(republisher.status());
  }

  /** Progress of the last republish (on command-service itself; the gateway sends GETs to query-service). */
  @GetMapping("/admin/republish")
  Map<String, Object> status() {
    return republisher.status();
  }
}
