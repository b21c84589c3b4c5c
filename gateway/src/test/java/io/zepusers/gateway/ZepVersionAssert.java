package io.zepusers.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What zep-js checks: the part of X-Zep-Version before the first '-' is semver >= 0.21.0. */
final class ZepVersionAssert {

  private static final Pattern FORMAT =
      Pattern.compile(
          "(\\d+)\\.(\\d+)\\.(\\d+)-[^\\s-][^\\s]* \\(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)\\)");

  private ZepVersionAssert() {}

  static void assertZepVersion(HttpResponse<?> response) {
    assertZepVersion(response.headers().firstValue("X-Zep-Version").orElse(null), response.uri());
  }

  static void assertZepVersion(RawHttp.Response response) {
    assertZepVersion(response.header("X-Zep-Version"), "status " + response.status());
  }

  private static void assertZepVersion(String header, Object on) {
    assertThat(header).as("X-Zep-Version on %s", on).isNotNull();
    Matcher m = FORMAT.matcher(header);
    assertThat(m.matches()).as("X-Zep-Version format: %s", header).isTrue();
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    assertThat(major > 0 || minor >= 21).as("semver %s >= 0.21.0", header.split("-")[0]).isTrue();
  }
}
