package io.zepusers.gateway;

import static io.zepusers.gateway.ZepVersionAssert.assertZepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Requests no well-behaved client sends, written byte by byte on a raw socket: broken heads, heads
 * over the limits, methods nobody routes, and clients that stop sending. Each gets one line of
 * text/plain from the gateway itself (or, when nothing was asked, a closed connection): it never
 * reaches a backend as a whole request, and never waits for the backend's response timeout. Odd but
 * valid requests go through exactly as they came.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MisbehavingClientsIT {

  private static final int LINE_LIMIT = 16 * 1024;
  private static final int HEADER_LIMIT = 16 * 1024;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);

  static final RecordingBackend command = RecordingBackend.start("command");
  static final RecordingBackend query = RecordingBackend.start("query");

  @DynamicPropertySource
  static void backends(DynamicPropertyRegistry registry) {
    registry.add("zep.gateway.command-uri", () -> command.uri().toString());
    registry.add("zep.gateway.query-uri", () -> query.uri().toString());
    // Short client-side timeouts keep the tests fast; the backend's is longer, so a 504
    // here would mean the gateway waited for the backend instead of timing out the client.
    registry.add("zep.gateway.header-timeout", () -> "1s");
    registry.add("zep.gateway.body-read-timeout", () -> "1s");
    registry.add("zep.gateway.response-timeout", () -> "2s");
    registry.add("zep.gateway.idle-timeout", () -> IDLE_TIMEOUT.toSeconds() + "s");
  }

  @AfterAll
  static void stopBackends() {
    command.close();
    query.close();
  }

  @LocalServerPort int port;

  private final ScheduledExecutorService slowClient = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void resetBackends() {
    command.reset();
    query.reset();
  }

  @AfterEach
  void stopSlowClient() {
    slowClient.shutdownNow();
  }

  // --- requests that cannot go on --------------------------------------------------------

  @Test
  void garbageRequestLineIsOneLineBadRequest() throws Exception {
    assertRefused("GARBAGE\r\n\r\n", 400, "bad request: malformed request line");
  }

  @Test
  void spaceInTheRequestTargetIsAMalformedRequestLine() throws Exception {
    assertRefused(
        "GET /api/v1/user/a b HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
        "bad request: malformed request line");
  }

  @Test
  void headerWithoutColonIsOneLineBadRequest() throws Exception {
    assertRefused(
        "GET /api/v1/user/u1 HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        400,
        "bad request: malformed header");
  }

  @Test
  void requestTargetThatIsNoUriIsOneLineBadRequest() throws Exception {
    assertRefused(
        "GET /api/v1/user/a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad request: invalid uri");
  }

  @Test
  void headRequestForATargetThatIsNoUriGetsTheLengthButNoBody() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      var head = client.send("HEAD /api/v1/user/a%zz HTTP/1.1\r\nHost: x\r\n\r\n").readHeadOnly();
      var next = client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(head.status()).isEqualTo(400);
      assertThat(head.header("Content-Length"))
          .isEqualTo(Integer.toString("bad request: invalid uri\n".length()));
      assertZepVersion(head);
      assertThat(next.status()).as("the connection goes on after the HEAD answer").isEqualTo(200);
      assertThat(next.body()).isEqualTo(".");
    }
  }

  @Test
  void hostHeaderWhosePortIsNoNumberIsOneLineBadRequest() throws Exception {
    assertRefused(
        "GET /api/v1/user/u1 HTTP/1.1\r\nHost: [::1\r\n\r\n",
        400,
        "bad request: invalid host header");
  }

  @Test
  void requestLineOverTheLimitIs414() throws Exception {
    String path = "/api/v1/user/" + "a".repeat(LINE_LIMIT);

    assertRefused(
        "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n",
        414,
        "uri too long: the request line may be at most " + LINE_LIMIT + " bytes");
  }

  @Test
  void headersOverTheLimitAre431() throws Exception {
    String big = "X-Big: " + "a".repeat(HEADER_LIMIT) + "\r\n";

    assertRefused(
        "GET /api/v1/user/u1 HTTP/1.1\r\nHost: x\r\n" + big + "\r\n",
        431,
        "request headers too large: at most " + HEADER_LIMIT + " bytes");
  }

  @Test
  void malformedChunkedBodyIsOneLineBadRequest() throws Exception {
    assertRefused(
        "POST /api/v1/user HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\n{\"a\":\r\nzz\r\n",
        400,
        "bad request: malformed chunked body");
  }

  @Test
  void garbageAfterAGoodRequestOnTheSameConnectionIsAnsweredInTurn() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      client.send("GET /api/v1/user/u1 HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n");

      var first = client.read();
      var second = client.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("X-Backend")).isEqualTo("query");
      assertOneLine(second, 400, "bad request: malformed request line");
      assertThat(client.closedByGateway()).isTrue();
    }
  }

  // --- odd requests that do go on --------------------------------------------------------

  @Test
  void rawNonAsciiBytesInTheTargetReachTheBackendAsThoseBytesPercentEncoded() throws Exception {
    // "é" and "€" as their UTF-8 bytes, unencoded, the way a careless client sends them
    String id = new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    String query = new String("€".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    try (RawHttp client = RawHttp.connect(port)) {
      var response =
          client
              .send("GET /api/v1/user/" + id + "?q=" + query + " HTTP/1.1\r\nHost: x\r\n\r\n")
              .read();

      assertThat(response.status()).isEqualTo(200);
    }
    var received = MisbehavingClientsIT.query.nextRequest();
    assertThat(received.rawPath()).isEqualTo("/api/v1/user/%C3%A9");
    assertThat(received.rawQuery()).isEqualTo("q=%E2%82%AC");
  }

  @Test
  void aClientCannotPassItselfOffAsARefusal() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      var response =
          client
              .send(
                  "GET /api/v1/user/u1 HTTP/1.1\r\nHost: x\r\n"
                      + "X-Zep-Gateway-Refusal: 418 i am a teapot\r\n\r\n")
              .read();

      assertThat(response.status()).isEqualTo(200);
    }
    assertThat(query.nextRequest().headers().containsKey("X-Zep-Gateway-Refusal")).isFalse();
  }

  // --- methods nobody routes -------------------------------------------------------------

  @Test
  void connectTraceAndUnknownMethodsAre405() throws Exception {
    for (String requestLine :
        new String[] {
          "CONNECT 127.0.0.1:443 HTTP/1.1",
          "CONNECT /api/v1/user HTTP/1.1",
          "TRACE /api/v1/user/u1 HTTP/1.1",
          "PROPFIND /api/v1/user HTTP/1.1",
          "FOO /api/v1/user HTTP/1.1"
        }) {
      String method = requestLine.substring(0, requestLine.indexOf(' '));
      try (RawHttp client = RawHttp.connect(port)) {
        var response = client.send(requestLine + "\r\nHost: 127.0.0.1\r\n\r\n").read();

        assertOneLine(response, 405, "method not allowed: " + method);
        assertThat(response.header("Allow"))
            .isEqualTo("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
      }
    }
    assertThat(command.receivedNothing()).isTrue();
    assertThat(query.receivedNothing()).isTrue();
  }

  // --- clients that stop sending ---------------------------------------------------------

  @Test
  void bodyShorterThanItsContentLengthIs408AndTheBackendSeesTheUploadEnd() throws Exception {
    int abortedBefore = command.abortedUploads();
    try (RawHttp client = RawHttp.connect(port)) {
      var response =
          client
              .send(
                  "POST /api/v1/user HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 100\r\n\r\n{\"user_id\":")
              .read();

      assertOneLine(response, 408, "request timeout: no request body data for 1s");
      assertThat(client.closedByGateway()).isTrue();
    }
    awaitAbortedUpload(command, abortedBefore);
    assertThat(command.receivedNothing()).isTrue();
  }

  @Test
  void unfinishedChunkedBodyIs408() throws Exception {
    int abortedBefore = command.abortedUploads();
    try (RawHttp client = RawHttp.connect(port)) {
      var response =
          client
              .send(
                  "POST /api/v1/user HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "5\r\n{\"a\":\r\n")
              .read();

      assertOneLine(response, 408, "request timeout: no request body data for 1s");
      assertThat(client.closedByGateway()).isTrue();
    }
    awaitAbortedUpload(command, abortedBefore);
    assertThat(command.receivedNothing()).isTrue();
  }

  @Test
  void halfAHeaderIs408() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      var response = client.send("GET /api/v1/user/u1 HTTP/1.1\r\nHost: x\r\nX-Half").read();

      assertOneLine(response, 408, "request timeout: request head not received within 1s");
      assertThat(client.closedByGateway()).isTrue();
    }
    assertThat(query.receivedNothing()).isTrue();
  }

  @Test
  void headDribbledInSlowerThanTheHeaderTimeoutIs408() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      client.send("GET /api/v1/user/u1 HTTP/1.1\r\nHost: x\r\n");
      // Each byte comes well within the timeout; the head as a whole never does.
      slowClient.scheduleAtFixedRate(() -> sendQuietly(client, "X"), 0, 200, TimeUnit.MILLISECONDS);

      var response = client.read();

      assertOneLine(response, 408, "request timeout: request head not received within 1s");
    }
    assertThat(query.receivedNothing()).isTrue();
  }

  @Test
  void bodyThatStallsAfterTheAnswerClosesTheConnectionBeforeTheIdleTimeout() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      var response =
          client
              .send("POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":")
              .read();
      long answeredAt = System.nanoTime();

      assertOneLine(response, 404, "not found");
      assertThat(client.closedByGateway()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - answeredAt))
          .isLessThan(IDLE_TIMEOUT.minusSeconds(1));
    }
  }

  @Test
  void idleConnectionIsClosedWithoutAnAnswer() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      assertThat(client.closedByGateway()).isTrue();
    }
  }

  @Test
  void slowButSteadyUploadLongerThanTheResponseTimeoutIsForwarded() throws Exception {
    byte[] body =
        "{\"user_id\":\"slow-but-steady\",\"metadata\":{\"k\":\"vvvvvvvvvvvvvv\"}}"
            .getBytes(StandardCharsets.UTF_8);
    int pieces = 6;
    int pieceSize = (body.length + pieces - 1) / pieces;
    try (RawHttp client = RawHttp.connect(port)) {
      client.send(
          "POST /api/v1/user HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n");
      // One piece every 500 ms: 3 s in all, longer than the 2 s response timeout,
      // and no gap near the 1 s body timeout.
      AtomicInteger next = new AtomicInteger();
      slowClient.scheduleAtFixedRate(
          () -> {
            int from = next.getAndIncrement() * pieceSize;
            if (from < body.length) {
              sendQuietly(
                  client, Arrays.copyOfRange(body, from, Math.min(body.length, from + pieceSize)));
            }
          },
          500,
          500,
          TimeUnit.MILLISECONDS);

      var response = client.read();

      assertThat(response.status()).isEqualTo(200);
    }
    assertThat(command.nextRequest().body()).isEqualTo(new String(body, StandardCharsets.UTF_8));
  }

  // --- helpers -----------------------------------------------------------------------------

  private void assertRefused(String raw, int status, String line) throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      var response = client.send(raw).read();

      assertOneLine(response, status, line);
      assertThat(client.closedByGateway()).as("connection closed after %d", status).isTrue();
    }
    assertThat(query.receivedNothing()).isTrue();
    assertThat(command.receivedNothing()).isTrue();
  }

  static void assertOneLine(RawHttp.Response response, int status, String line) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.body()).isEqualTo(line + "\n");
    assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertZepVersion(response);
  }

  private static void awaitAbortedUpload(RecordingBackend backend, int before) {
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.abortedUploads() > before);
  }

  private static void sendQuietly(RawHttp client, String text) {
    sendQuietly(client, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void sendQuietly(RawHttp client, byte[] bytes) {
    try {
      client.send(bytes);
    } catch (IOException closed) {
      throw new IllegalStateException(closed); // ends the schedule
    }
  }
}
