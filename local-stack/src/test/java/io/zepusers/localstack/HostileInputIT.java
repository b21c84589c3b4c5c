package io.zepusers.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile corpus, sent byte for byte through the gateway of a whole stack: encoded and odd paths,
 * control characters, oversized and deeply nested bodies, invalid UTF-8, odd methods and headers.
 * Nothing may answer 5xx or hang; every error is one line of text/plain that says why; and whatever
 * was accepted can be read back, equal to what the write answered (the read side stores everything
 * the write side accepts).
 */
class HostileInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Longer than the gateway's own timeouts for a stalled request; a request still unanswered then
   * hangs.
   */
  private static final int ANSWER_WITHIN_MS = 15_000;

  private static LocalStack.Running stack;
  private static int port;

  @BeforeAll
  static void startStack() {
    Path repoRoot = Path.of(System.getProperty("zep.repo.root", "..")).toAbsolutePath().normalize();
    stack =
        LocalStack.start(
            LocalStackConfig.defaults()
                .jarsFrom(repoRoot)
                .dataDir(repoRoot.resolve("local-stack/target/hostile-input-it"))
                .clean(true)
                .gatewayPort(0)
                .kafkaPort(0)
                .postgresPort(0));
    port = Integer.parseInt(stack.gatewayUrl().substring(stack.gatewayUrl().lastIndexOf(':') + 1));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void noRequestOfTheCorpusGetsA5xxAHangOrAnErrorWithoutAReason() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String user = "hostile-" + run;
    String session = "hostile-s-" + run;
    assertThat(exchange(request("POST", "/api/v1/user", json("{\"user_id\":\"%s\"}", user))).status)
        .isEqualTo(201);
    assertThat(
            exchange(
                    request(
                        "POST",
                        "/api/v1/sessions",
                        json("{\"session_id\":\"%s\",\"user_id\":\"%s\"}", session, user)))
                .status)
        .isEqualTo(201);

    List<byte[]> corpus = new ArrayList<>();
    for (String id : hostileIdsInPaths(user)) {
      for (String route :
          List.of(
              "/api/v1/user/%s",
              "/api/v1/user/%s/sessions",
              "/api/v1/user/%s/events",
              "/api/v1/sessions/%s",
              "/api/v1/sessions/%s/memory")) {
        String path = route.formatted(id);
        corpus.add(request("GET", path, null));
        corpus.add(
            request(
                route.endsWith("memory") ? "DELETE" : "PATCH",
                path,
                json("{\"metadata\":{\"k\":1}}")));
      }
      corpus.add(request("DELETE", "/api/v1/user/" + id + "x", null));
    }
    for (byte[] body : hostileBodies()) {
      corpus.add(request("POST", "/api/v1/user", body));
      corpus.add(request("POST", "/api/v1/sessions", body));
      corpus.add(request("PATCH", "/api/v1/user/" + user, body));
      corpus.add(request("PATCH", "/api/v1/sessions/" + session, body));
    }
    for (String field : List.of("user_id", "email", "first_name", "last_name", "session_id")) {
      for (String value : hostileStrings()) {
        corpus.add(
            request(
                "POST",
                field.equals("session_id") ? "/api/v1/sessions" : "/api/v1/user",
                json(
                    "{\"%s\":\"%s\",\"%s\":%s}",
                    field.equals("session_id") ? "user_id" : "session_id", user, field, value)));
      }
    }
    corpus.addAll(hostileHeadersAndMethods(user));
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(300);

    Map<String, Integer> statuses = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    List<JsonNode> accepted = new ArrayList<>();
    for (byte[] raw : corpus) {
      Answer a = exchange(raw);
      statuses.merge(Integer.toString(a.status), 1, Integer::sum);
      String what = describe(raw);
      if (a.status == 0) {
        problems.add("no answer within " + ANSWER_WITHIN_MS + " ms: " + what);
      } else if (a.status >= 500) {
        problems.add(a.status + " for " + what + ": " + a.body.strip());
      } else if (a.status >= 400) {
        if (!a.contentType().startsWith("text/plain")) {
          problems.add(a.status + " without text/plain (" + a.contentType() + ") for " + what);
        } else if (a.body.isBlank() || !a.body.endsWith("\n") || a.body.strip().contains("\n")) {
          problems.add(a.status + " without a one-line reason for " + what + ": [" + a.body + "]");
        }
      } else if (a.status == 201 && raw[0] == 'P' && raw[1] == 'O') {
        accepted.add(JSON.readTree(a.body));
      }
    }
    assertThat(problems).as("statuses " + statuses).isEmpty();

    // whatever was accepted, the read side holds and answers exactly as the write did
    for (JsonNode created : accepted) {
      boolean isUser = created.has("user_id") && !created.has("session_id");
      String id = (isUser ? created.get("user_id") : created.get("session_id")).asText();
      Answer read =
          exchange(
              request("GET", (isUser ? "/api/v1/user/" : "/api/v1/sessions/") + encode(id), null));
      assertThat(read.status).as("read back " + abbreviate(id)).isEqualTo(200);
      assertThat(JSON.readTree(read.body).get("uuid")).isEqualTo(created.get("uuid"));
    }
    // and every list still is well-formed JSON, whole
    for (String list :
        List.of(
            "/api/v1/user",
            "/api/v1/sessions",
            "/api/v1/user?limit=10",
            "/api/v1/user/" + user + "/sessions")) {
      Answer a = exchange(request("GET", list, null));
      assertThat(a.status).as(list).isEqualTo(200);
      assertThat(JSON.readTree(a.body).isArray()).as(list).isTrue();
    }
  }

  /**
   * A client that stops sending is timed out with a one-line answer or a closed connection, never a
   * hang.
   */
  @Test
  void aStalledRequestIsTimedOut() throws Exception {
    List<byte[]> stalled =
        List.of(
            ascii(
                "POST /api/v1/user HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"user_id\":"),
            ascii(
                "POST /api/v1/user HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"user_id\":\"a"),
            ascii("GET /api/v1/user HTTP/1.1\r\nHost: x\r\nX-Half: "));
    for (byte[] raw : stalled) {
      long t0 = System.nanoTime();
      Answer a = exchange(raw, false);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(a.status)
          .as("answered (or closed) within the bound: " + describe(raw))
          .isNotEqualTo(0);
      assertThat(a.status).as(describe(raw)).isNotIn(500, 502, 503, 504);
      assertThat(ms).isLessThan(ANSWER_WITHIN_MS);
    }
  }

  private static List<String> hostileIdsInPaths(String existingUser) {
    List<String> ids =
        new ArrayList<>(
            List.of(
                "%2F",
                "a%2Fb",
                "%2F%2F",
                "..",
                "%2E%2E",
                "%2e",
                ".",
                "a%00b",
                "%00",
                "a%01b",
                "%7F",
                "a%5Cb",
                "a\\b",
                "%ZZ",
                "%",
                "a%2",
                "%C0%AF",
                "%ED%A0%80",
                "%FF%FE",
                "a;x=1",
                "a%3Bb",
                ";",
                "a%20b",
                "%20",
                "a%3Fb",
                "a%23b",
                "%E2%80%AE",
                "%F0%9F%98%80",
                "a%0Ab",
                "a%0D%0AX-Injected:%201",
                "%252F",
                "%25",
                "x".repeat(255),
                "x".repeat(1_000),
                "x".repeat(1_001),
                "%C3%A9".repeat(1_000),
                "x".repeat(5_000),
                "%F0%9F%98%80".repeat(600),
                "session:" + existingUser,
                existingUser + "/events",
                "*",
                "%2A"));
    ids.add(
        existingUser.substring(0, 1)
            + "%"
            + Integer.toHexString(existingUser.charAt(1))
            + existingUser.substring(2));
    return ids;
  }

  private static List<byte[]> hostileBodies() {
    List<byte[]> bodies = new ArrayList<>();
    for (String s :
        List.of(
            "",
            "null",
            "[]",
            "[1]",
            "\"x\"",
            "1",
            "true",
            "{",
            "{\"user_id\":",
            "{}}",
            "{\"a\":1,}",
            "{'a':1}",
            "{\"metadata\":[1]}",
            "{\"metadata\":\"x\"}",
            "{\"metadata\":1e999999999}",
            "{\"metadata\":{\"n\":1e999999999}}",
            "{\"metadata\":{\"n\":-1e-999999}}",
            "{\"metadata\":{\"n\":" + "9".repeat(1_001) + "}}",
            "{\"metadata\":{\"n\":1." + "1".repeat(1_500) + "}}",
            "{\"metadata\":{\"a\":\"\\u0000\"}}",
            "{\"metadata\":{\"\\u0000\":1}}",
            "{\"metadata\":{\"a\":\"\\ud800\"}}",
            "{\"metadata\":{\"a\":\"\\udfff x\"}}",
            "{\"metadata\":{\"\\ud800\":1}}",
            "{\"metadata\":" + nested(33) + "}",
            "{\"metadata\":" + nested(499) + "}",
            "{\"metadata\":" + nested(10_000) + "}",
            "{\"metadata\":{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}}",
            "{\"email\":123}",
            "{\"email\":{}}",
            "{\"first_name\":[\"a\"]}",
            "{\"user_id\":null,\"session_id\":null}",
            "{\"metadata\":{\"a\":1},\"metadata\":{\"b\":2}}",
            "\uFEFF{\"metadata\":{\"bom\":1}}")) {
      bodies.add(s.getBytes(StandardCharsets.UTF_8));
    }
    bodies.add(
        new byte[] {
          '{',
          '"',
          'm',
          'e',
          't',
          'a',
          'd',
          'a',
          't',
          'a',
          '"',
          ':',
          '{',
          '"',
          'a',
          '"',
          ':',
          '"',
          (byte) 0xC3,
          '"',
          '}',
          '}'
        });
    bodies.add(
        new byte[] {
          '{',
          '"',
          'm',
          'e',
          't',
          'a',
          'd',
          'a',
          't',
          'a',
          '"',
          ':',
          '{',
          '"',
          'a',
          '"',
          ':',
          '"',
          (byte) 0xED,
          (byte) 0xA0,
          (byte) 0x80,
          '"',
          '}',
          '}'
        });
    bodies.add(new byte[] {(byte) 0xFF, (byte) 0xFE, '{', 0, '}', 0});
    bodies.add(
        ("{\"metadata\":{\"big\":\"" + "x".repeat(1_100_000) + "\"}}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.add(
        ("{\"metadata\":{\"big\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.add(("{\"email\":\"" + "e".repeat(1_048_576) + "\"}").getBytes(StandardCharsets.UTF_8));
    return bodies;
  }

  /** JSON string literals (with quotes) for id and text fields. */
  private static List<String> hostileStrings() {
    return List.of(
        "\"\"",
        "\"a\\u0000b\"",
        "\"\\ud800\"",
        "\"a\\\\b\"",
        "\"..\"",
        "\".\"",
        "\"a\\nb\"",
        "\"\\u007f\"",
        "\"" + "x".repeat(1_001) + "\"",
        "\"" + "\\u00e9".repeat(1_001) + "\"",
        "\"" + "\\u00e9".repeat(1_000) + "\"",
        "\"\\ud83d\\ude00 ok\"",
        "\"a/b %2F\"",
        "\"" + "y".repeat(300) + "\"");
  }

  private static List<byte[]> hostileHeadersAndMethods(String user) {
    List<byte[]> requests = new ArrayList<>();
    for (String method : List.of("CONNECT", "TRACE", "PROPFIND", "FOO", "OPTIONS", "PUT", "HEAD")) {
      requests.add(
          ascii(
              method
                  + " /api/v1/user HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    }
    requests.add(
        ascii("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: close\r\n\r\n"));
    for (String header :
        List.of(
            "Content-Type: garbage",
            "Content-Type: application/json; charset=nope",
            "Content-Type: multipart/form-data",
            "Content-Type: application/x-www-form-urlencoded",
            "Content-Type:",
            "Accept: garbage",
            "Accept: text/html",
            "Accept: */*;q=x",
            "X-Consistency-Token: garbage",
            "X-Consistency-Token: 0:99999999999999",
            "X-Consistency-Token: -1:-1,999:1",
            "X-Zep-Consistency: garbage",
            "Authorization: Bearer garbage",
            "X-Correlation-Id: " + "c".repeat(10_000),
            "Content-Encoding: gzip",
            "Expect: 100-continue",
            "Transfer-Encoding: gzip")) {
      requests.add(
          request(
              "POST", "/api/v1/user", json("{\"user_id\":\"h-%s\"}", UUID.randomUUID()), header));
      requests.add(request("GET", "/api/v1/user/" + user, null, header));
    }
    requests.add(request("GET", "/api/v1/user", null, "X-Big: " + "b".repeat(64 * 1024)));
    requests.add(request("GET", "/api/v1/user/" + "u".repeat(70_000), null));
    for (String query :
        List.of(
            "?limit=x",
            "?limit=99999999999999999999",
            "?limit=-1",
            "?cursor=-9223372036854775808",
            "?cursor=99999999999999999999",
            "?limit=1&limit=2",
            "?limit=%00",
            "?cursor=%ZZ",
            "?consistency=x")) {
      requests.add(request("GET", "/api/v1/user" + query, null));
      requests.add(request("GET", "/api/v1/sessions" + query, null));
    }
    for (String asOf :
        List.of(
            "-999999999-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z",
            "0000-01-01T00:00:00Z",
            "garbage",
            "",
            "2024-13-45T99:99:99Z",
            "1970-01-01T00:00:00Z")) {
      requests.add(
          request(
              "GET",
              "/api/v1/user/" + user + "?as_of=" + URLEncoder.encode(asOf, StandardCharsets.UTF_8),
              null));
      requests.add(
          request(
              "GET",
              "/api/v1/user/"
                  + user
                  + "/sessions?as_of="
                  + URLEncoder.encode(asOf, StandardCharsets.UTF_8),
              null));
    }
    requests.add(ascii("GET /api/v1/user HTTP/1.0\r\n\r\n"));
    requests.add(ascii("GET /api/v1/user\r\n\r\n"));
    requests.add(ascii("GARBAGE\r\n\r\n"));
    requests.add(
        ascii("GET /api/v1/user HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n"));
    requests.add(ascii("GET api/v1/user HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    requests.add(
        ascii(
            "GET /api/v1/user HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\n12345"));
    requests.add(
        ascii(
            "POST /api/v1/user HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n"));
    requests.add(
        ascii(
            "POST /api/v1/user HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n"));
    return requests;
  }

  // ------------------------------------------------------------------------------------------------------

  private static byte[] request(String method, String path, byte[] body, String... headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head =
        new StringBuilder(
            method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    boolean typed = false;
    for (String h : headers) {
      head.append(h).append("\r\n");
      typed |= h.toLowerCase(Locale.ROOT).startsWith("content-type");
    }
    if (body != null) {
      if (!typed) {
        head.append("Content-Type: application/json\r\n");
      }
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  private static byte[] json(String format, Object... args) {
    return format.formatted(args).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String nested(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The request line, the headers that are not routine, and the start of the body. */
  private static String describe(byte[] raw) {
    String s = new String(raw, 0, Math.min(raw.length, 400), StandardCharsets.ISO_8859_1);
    String[] parts = s.split("\r\n\r\n", 2);
    List<String> lines = new ArrayList<>(List.of(parts[0].split("\r\n")));
    lines.removeIf(
        l -> l.matches("(?i)(host|connection|content-length|content-type: application/json):.*"));
    String body = parts.length > 1 ? " body " + abbreviate(parts[1]) : "";
    return (abbreviate(String.join(" | ", lines)) + body).replaceAll("\\p{Cntrl}", "?");
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 97) + "...";
  }

  record Answer(int status, Map<String, String> headers, String body) {
    String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  private static Answer exchange(byte[] raw) throws IOException {
    return exchange(raw, true);
  }

  /**
   * Sends the bytes and reads the answer until the server closes. Status 0: no answer within the
   * bound. {@code complete == false}: the request is left unfinished, and a connection the server
   * closes without an answer counts as an answer (-1).
   */
  private static Answer exchange(byte[] raw, boolean complete) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(ANSWER_WITHIN_MS);
      try {
        socket.getOutputStream().write(raw);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // the server may answer (413, 400) and close before reading everything we send
      }
      byte[] answer;
      try {
        answer = readAll(socket.getInputStream());
      } catch (SocketTimeoutException e) {
        return new Answer(0, Map.of(), "");
      }
      if (answer.length == 0) {
        return new Answer(complete ? 0 : -1, Map.of(), "");
      }
      return parse(answer);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[65_536];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (SocketException e) {
      // reset after the answer: what arrived counts
    }
    return out.toByteArray();
  }

  private static Answer parse(byte[] answer) {
    int headEnd = indexOf(answer, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
    if (headEnd > 0 && answer.length > 9 && answer[9] == '1' && headEnd + 4 < answer.length) {
      return parse(
          Arrays.copyOfRange(
              answer, headEnd + 4, answer.length)); // 100 Continue: the answer follows
    }
    String head =
        new String(answer, 0, headEnd < 0 ? answer.length : headEnd, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    byte[] body =
        headEnd < 0 ? new byte[0] : Arrays.copyOfRange(answer, headEnd + 4, answer.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** The chunks' data; a body cut off before its last chunk keeps what arrived. */
  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] crlf = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
    int at = 0;
    while (at < chunked.length) {
      int eol = indexOf(chunked, crlf, at);
      if (eol < 0) {
        break;
      }
      int size =
          Integer.parseInt(
              new String(chunked, at, eol - at, StandardCharsets.ISO_8859_1).split(";")[0].trim(),
              16);
      if (size == 0) {
        break;
      }
      int start = eol + 2;
      int end = Math.min(chunked.length, start + size);
      body.write(chunked, start, end - start);
      at = end + 2;
    }
    return body.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
