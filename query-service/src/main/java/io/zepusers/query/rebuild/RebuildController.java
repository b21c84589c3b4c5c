package io.zepusers.query.rebuild;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' calls on the read side (our own; the gateway sends every method of this path to
 * query-service).
 */
@RestController
class RebuildController {

  private final ReadModelRebuild rebuild;

  RebuildController(ReadModelRebuild rebuild) {
    this.rebuild = rebuild;
  }

  /** Starts rebuilding every read model from the topic; 202 with the status, 409 while one runs. */
  @PostMapping("/api/v1/admin/rebuild")
  ResponseEntity<?> start() {
    if (!rebuild.start()) {
      return ResponseEntity.status(HttpStatus.CONFLICT)
          .contentType(MediaType.TEXT_PLAIN)
          .body("a rebuild is already running\n");
    }
    return ResponseEntity.accepted().body(rebuild.status());
  }

  @GetMapping("/api/v1/admin/rebuild")
  RebuildStatus status() {
    return rebuild.status();
  }
}
