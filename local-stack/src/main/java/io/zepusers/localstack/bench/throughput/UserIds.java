package io.zepusers.localstack.bench.throughput;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The ids of existing users, paged through the API into a file that the wrk scripts read. */
final class UserIds {

  private static final Pattern USER = Pattern.compile("\"id\":(\\d+),.*?\"user_id\":\"([^\"]+)\"");

  record Users(Path file, long count, long highestId) {}

  static Users fetch(String gateway, Optional<String> authorization, Path file, int max)
      throws Exception {
    List<String> ids = new ArrayList<>();
    long cursor = 0;
    while (ids.size() < max) {
      HttpResponse<String> page =
          ThroughputBench.get(gateway + "/api/v1/user?limit=1000&cursor=" + cursor, authorization);
      if (page.statusCode() != 200) {
        throw new IllegalStateException("listing users: " + page.statusCode() + " " + page.body());
      }
      Matcher m = USER.matcher(page.body());
      int before = ids.size();
      while (m.find() && ids.size() < max) {
        cursor = Long.parseLong(m.group(1));
        ids.add(m.group(2));
      }
      if (ids.size() == before) {
        break;
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalStateException("no users to read");
    }
    Files.write(file, ids);
    return new Users(file, ids.size(), cursor);
  }
}
