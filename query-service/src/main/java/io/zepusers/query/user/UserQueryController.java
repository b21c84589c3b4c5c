package io.zepusers.query.user;

import io.zepusers.api.UserView;
import io.zepusers.query.web.ApiErrors.NotFoundException;
import io.zepusers.query.web.Paging;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/** The read half of Zep's user API, served from the users read model. */
@RestController
@RequestMapping("/api/v1/user")
class UserQueryController {

  private final UserQueries users;
  private final ObjectMapper json;

  UserQueryController(UserQueries users, ObjectMapper json) {
    this.users = users;
    this.json = json;
  }

  @GetMapping("/{userId}")
  UserView get(@PathVariable String userId) {
    return users.find(userId).orElseThrow(NotFoundException::new);
  }

  /** A JSON array written as rows arrive: {@code []} when empty, never null, never the whole table in memory. */
  @GetMapping
  ResponseEntity<StreamingResponseBody> list(
      @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
    Paging paging = Paging.of(limit, cursor);
    StreamingResponseBody body =
        out -> {
          try (JsonGenerator generator = json.createGenerator(out)) {
            generator.writeStartArray();
            users.forEach(paging, user -> json.writeValue(generator, user));
            generator.writeEndArray();
          }
        };
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
  }

  /** Sessions arrive with the sessions feature; until then every user has none, which is what Zep answers too. */
  @GetMapping("/{userId}/sessions")
  List<Object> sessions(@PathVariable String userId) {
    return List.of();
  }
}
