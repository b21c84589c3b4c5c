package io.zepusers.command.session;

import io.zepusers.api.SessionView;
import io.zepusers.web.BadRequestException;
import io.zepusers.command.web.CommandSender;
import io.zepusers.command.web.JsonBody;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
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
  ResponseEntity<SessionView> create(@RequestBody(required = false) byte[] body) {
    JsonBody json = JsonBody.parse(body);
    String sessionId = json.string("session_id");
    if (sessionId == null || sessionId.isEmpty()) {
      throw new BadRequestException("session_id cannot be empty");
    }
    String userId = json.string("user_id");
    if (userId != null && userId.isEmpty()) {
      throw new BadRequestException("user_id cannot be empty when given");
    }
    CommandSender.Sent<SessionState> created = commands.send(new CreateSession(sessionId, userId, json.object("metadata")));
    return ResponseEntity.status(HttpStatus.CREATED).headers(created.headers()).body(view(created.result()));
  }

  @PatchMapping("/{sessionId}")
  ResponseEntity<SessionView> update(@PathVariable String sessionId, @RequestBody(required = false) byte[] body) {
    JsonBody json = JsonBody.parse(body);
    CommandSender.Sent<SessionState> updated = commands.send(new UpdateSession(sessionId, json.object("metadata")));
    return ResponseEntity.ok().headers(updated.headers()).body(view(updated.result()));
  }

  /** Zep's "delete memory" is how a session is deleted; there is no DELETE on the session itself. */
  @DeleteMapping("/{sessionId}/memory")
  ResponseEntity<String> delete(@PathVariable String sessionId) {
    CommandSender.Sent<Void> deleted = commands.send(new DeleteSession(sessionId));
    return ResponseEntity.ok().headers(deleted.headers()).contentType(MediaType.TEXT_PLAIN).body("OK");
  }

  private static SessionView view(SessionState s) {
    return SessionView.of(s.uuid(), s.id(), s.createdAt(), s.updatedAt(), s.sessionId(), s.metadata(), s.userId());
  }
}
