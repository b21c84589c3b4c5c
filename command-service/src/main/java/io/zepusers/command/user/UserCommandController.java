package io.zepusers.command.user;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.zepusers.api.InputLimits;
import io.zepusers.api.UserView;
import io.zepusers.command.application.CommandSender;
import io.zepusers.command.eventstore.SessionStream;
import io.zepusers.command.web.JsonBody;
import io.zepusers.events.UserState;
import io.zepusers.web.BadRequestException;
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

/**
 * The write half of Zep's user API. Answers come from the command side, so they never wait for a
 * projection.
 */
@RestController
@RequestMapping("/api/v1/user")
class UserCommandController {

  private final CommandSender commands;

  UserCommandController(CommandSender commands) {
    this.commands = commands;
  }

  @PostMapping
  @ApiResponse(responseCode = "201", description = "created")
  ResponseEntity<UserView> create(HttpServletRequest request) {
    JsonBody json = JsonBody.read(request);
    String userId = json.id("user_id");
    if (userId.startsWith(SessionStream.PREFIX)) {
      throw new BadRequestException(
          "user_id cannot start with \""
              + SessionStream.PREFIX
              + "\" (the event store's name for session streams)");
    }
    CreateUser command =
        new CreateUser(
            userId,
            json.text("email"),
            json.text("first_name"),
            json.text("last_name"),
            json.metadata("metadata"));
    CommandSender.Sent<UserState> created = commands.send(command);
    return ResponseEntity.status(HttpStatus.CREATED)
        .headers(created.headers())
        .body(view(created.result()));
  }

  @PatchMapping("/{userId}")
  ResponseEntity<UserView> update(@PathVariable String userId, HttpServletRequest request) {
    requirePossible(userId);
    JsonBody json = JsonBody.read(request);
    UpdateUser command =
        new UpdateUser(
            userId,
            json.text("email"),
            json.text("first_name"),
            json.text("last_name"),
            json.metadata("metadata"));
    CommandSender.Sent<UserState> updated = commands.send(command);
    return ResponseEntity.ok().headers(updated.headers()).body(view(updated.result()));
  }

  @DeleteMapping("/{userId}")
  ResponseEntity<String> delete(@PathVariable String userId) {
    requirePossible(userId);
    CommandSender.Sent<Void> deleted = commands.send(new DeleteUser(userId));
    return ResponseEntity.ok()
        .headers(deleted.headers())
        .contentType(MediaType.TEXT_PLAIN)
        .body("OK");
  }

  /**
   * An id that could never have been created names no user (and may be more than the event store
   * can look up).
   */
  private static void requirePossible(String userId) {
    if (!InputLimits.isPossibleId(userId) || userId.startsWith(SessionStream.PREFIX)) {
      throw new NotFoundException();
    }
  }

  private static UserView view(UserState s) {
    return UserView.of(
        s.uuid(),
        s.id(),
        s.createdAt(),
        s.updatedAt(),
        s.userId(),
        s.email(),
        s.firstName(),
        s.lastName(),
        s.metadata());
  }
}
