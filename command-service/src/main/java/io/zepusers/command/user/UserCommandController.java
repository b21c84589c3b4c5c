package io.zepusers.command.user;

import io.zepusers.api.UserView;
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

/** The write half of Zep's user API. Answers come from the command side, so they never wait for a projection. */
@RestController
@RequestMapping("/api/v1/user")
class UserCommandController {

  private final CommandSender commands;

  UserCommandController(CommandSender commands) {
    this.commands = commands;
  }

  @PostMapping
  ResponseEntity<UserView> create(@RequestBody(required = false) byte[] body) {
    JsonBody json = JsonBody.parse(body);
    String userId = json.string("user_id");
    if (userId == null || userId.isEmpty()) {
      throw new BadRequestException("user_id cannot be empty");
    }
    CreateUser command =
        new CreateUser(userId, json.string("email"), json.string("first_name"), json.string("last_name"), json.object("metadata"));
    CommandSender.Sent<UserState> created = commands.send(command);
    return ResponseEntity.status(HttpStatus.CREATED).headers(created.headers()).body(view(created.result()));
  }

  @PatchMapping("/{userId}")
  ResponseEntity<UserView> update(@PathVariable String userId, @RequestBody(required = false) byte[] body) {
    JsonBody json = JsonBody.parse(body);
    UpdateUser command =
        new UpdateUser(userId, json.string("email"), json.string("first_name"), json.string("last_name"), json.object("metadata"));
    CommandSender.Sent<UserState> updated = commands.send(command);
    return ResponseEntity.ok().headers(updated.headers()).body(view(updated.result()));
  }

  @DeleteMapping("/{userId}")
  ResponseEntity<String> delete(@PathVariable String userId) {
    CommandSender.Sent<Void> deleted = commands.send(new DeleteUser(userId));
    return ResponseEntity.ok().headers(deleted.headers()).contentType(MediaType.TEXT_PLAIN).body("OK");
  }

  private static UserView view(UserState s) {
    return UserView.of(s.uuid(), s.id(), s.createdAt(), s.updatedAt(), s.userId(), s.email(), s.firstName(), s.lastName(), s.metadata());
  }
}
