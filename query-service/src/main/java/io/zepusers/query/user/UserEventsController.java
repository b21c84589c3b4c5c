package io.zepusers.query.user;

import io.zepusers.api.InputLimits;
import io.zepusers.query.audit.AuditEntry;
import io.zepusers.query.audit.AuditQueries;
import io.zepusers.web.NotFoundException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * For auditors: a user's full history from the audit trail (our own endpoint; Zep clients do not
 * call it).
 */
@RestController
class UserEventsController {

  private final AuditQueries audit;

  UserEventsController(AuditQueries audit) {
    this.audit = audit;
  }

  /** Oldest first; 404 for a user id that never existed. */
  @GetMapping("/api/v1/user/{userId}/events")
  List<AuditEntry> events(@PathVariable String userId) {
    List<AuditEntry> trail = InputLimits.isPossibleId(userId) ? audit.trail(userId) : List.of();
    if (trail.isEmpty()) {
      throw new NotFoundException();
    }
    return trail;
  }
}
