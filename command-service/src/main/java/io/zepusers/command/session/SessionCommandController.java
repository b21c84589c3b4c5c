package io.zepusers.command.session;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.zepusers.api.InputLimits;
import io.zepusers.api.SessionView;
import io.zepusers.command.application.CommandSender;
import io.zepusers.command.web.JsonBody;
import io.zepusers.web.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The write half of Zep's session API. */
@RestController
@RequestMapping("/api/v1/sessions")
class SessionCommandController {

  private final CommandSender commands;

  SessionCommandController(CommandSender commands) {
    this.commands = commands;
  }

  @PostMapping
  @ApiResponse(responseCode = "201", description = "created")
  ResponseEntity<SessionView> create(HttpServletRequest request) {
    JsonBody json = JsonBody.read(request);
    String sessionId = json.id("session_id");
    String userId = json.optionalId("user_id");
    CommandSender.Sent<SessionState> created =
        commands.send(new CreateSession(sessionId, userId, json.metadata("metadata")));
    return ResponseEntity.status(HttpStatus.CREATED)
        .headers(created.headers())
        .body(view(created.result()));
  }

  @PatchMapping("/{sessionId}")
  ResponseEntity<SessionView> update(@PathVariable String sessionId, HttpServletRequest request) {
    requirePossible(sessionId);
    JsonBody json = JsonBody.read(request);
    CommandSender.Sent<SessionState> updated =
        commands.send(new UpdateSession(sessionId, json.metadata("metadata")));
    return ResponseEntity.ok().headers(updated.headers()).body(view(updated.result()));
  }

  /**
   * Zep's "delete memory" is how a session is deleted; there is no DELETE on the session itself.
   */
  @DeleteMapping("/{sessionId}/memory")
  ResponseEntity<String> delete(@PathVariable String sessionId) {
    requirePossible(sessionId);
    CommandSender.Sent<Void> deleted = commands.send(new DeleteSession(sessionId));
    return ResponseEntity.ok()
        .headers(deleted.headers())
        .contentType(MediaType.TEXT_PLAIN)
        .body("OK");
  }

  /** An id that could never have been created names no session. */
  private static void requirePossible(String sessionId) {
    if (!InputLimits.isPossibleId(sessionId)) {
      throw new NotFoundException();
    }
  }

  private static SessionView view(SessionState s) {
    return SessionView.of(
        s.uuid(), s.id(), s.createdAt(), s.updatedAt(), s.sessionId(), s.metadata(), s.userId());
  }
}
