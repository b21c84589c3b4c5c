package io.zepusers.query.session;

import io.zepusers.api.InputLimits;
import io.zepusers.api.SessionView;
import io.zepusers.query.audit.AuditQueries;
import io.zepusers.query.web.AsOf;
import io.zepusers.query.web.JsonArrays;
import io.zepusers.query.web.Paging;
import io.zepusers.web.NotFoundException;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.ObjectMapper;

/** The read half of Zep's session API, and a user's sessions. */
@RestController
class SessionQueryController {

  private final SessionQueries sessions;
  private final AuditQueries audit;
  private final ObjectMapper json;

  SessionQueryController(SessionQueries sessions, AuditQueries audit, ObjectMapper json) {
    this.sessions = sessions;
    this.audit = audit;
    this.json = json;
  }

  @GetMapping("/api/v1/sessions/{sessionId}")
  SessionView get(@PathVariable String sessionId) {
    if (!InputLimits.isPossibleId(sessionId)) {
      throw new NotFoundException();
    }
    return sessions.find(sessionId).orElseThrow(NotFoundException::new);
  }

  @GetMapping("/api/v1/sessions")
  ResponseEntity<StreamingResponseBody> list(
      @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
    Paging paging = Paging.of(limit, cursor);
    return JsonArrays.stream(json, sink -> sessions.forEach(paging, sink::accept));
  }

  /**
   * In creation order, with real ids; {@code []} for an unknown user, as Zep answers. {@code
   * as_of}: as they were then.
   */
  @GetMapping("/api/v1/user/{userId}/sessions")
  List<SessionView> ofUser(
      @PathVariable String userId, @RequestParam(name = "as_of", required = false) String asOf) {
    if (!InputLimits.isPossibleId(userId)) {
      return List.of();
    }
    return asOf == null ? sessions.ofUser(userId) : audit.sessionsAsOf(userId, AsOf.parse(asOf));
  }
}
