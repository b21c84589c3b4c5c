package io.zepusers.query.user;

import io.zepusers.api.InputLimits;
import io.zepusers.api.UserView;
import io.zepusers.query.audit.AuditQueries;
import io.zepusers.query.web.AsOf;
import io.zepusers.query.web.JsonArrays;
import io.zepusers.query.web.Paging;
import io.zepusers.web.NotFoundException;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.ObjectMapper;

/** The read half of Zep's user API, served from the users read model. */
@RestController
@RequestMapping("/api/v1/user")
class UserQueryController {

  private final UserQueries users;
  private final AuditQueries audit;
  private final ObjectMapper json;

  UserQueryController(UserQueries users, AuditQueries audit, ObjectMapper json) {
    this.users = users;
    this.audit = audit;
    this.json = json;
  }

  /** The user now, or with {@code as_of} as it was then (404 if it did not exist then). */
  @GetMapping("/{userId}")
  UserView get(
      @PathVariable String userId, @RequestParam(name = "as_of", required = false) String asOf) {
    if (!InputLimits.isPossibleId(userId)) {
      throw new NotFoundException();
    }
    Optional<UserView> user =
        asOf == null ? users.find(userId) : audit.userAsOf(userId, AsOf.parse(asOf));
    return user.orElseThrow(NotFoundException::new);
  }

  @GetMapping
  ResponseEntity<StreamingResponseBody> list(
      @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
    Paging paging = Paging.of(limit, cursor);
    return JsonArrays.stream(json, sink -> users.forEach(paging, sink::accept));
  }
}
