package io.zepusers.gateway;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-in for the command- or query-service: records every /api request it receives exactly as it
 * arrived (raw path and query) and answers with a canned response. {@code /actuator/health} answers
 * 200; paths under {@code /api/v1/slow} wait until {@link #releaseSlowRequests()} so the gateway's
 * response timeout can fire; paths under {@code /api/v1/drop} close the connection without an
 * answer.
 */
final class RecordingBackend implements AutoCloseable {

  record Received(String method, String rawPath, String rawQuery, Headers headers, String body) {}

  private record Canned(int status, String contentType, String body) {}

  private static final List<SocketChannel> HELD_PORTS = new CopyOnWriteArrayList<>();

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CountDownLatch slowRelease = new CountDownLatch(1);
  private final AtomicInteger abortedUploads = new AtomicInteger();
  private volatile Canned canned = new Canned(200, "application/json", "{}\n");

  private RecordingBackend(String name) throws IOException {
    this.name = name;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static RecordingBackend start(String name) {
    try {
      return new RecordingBackend(name);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A URI on which nothing listens, and nothing will: the port stays bound, without listening, for
   * the life of the JVM, so connections to it are refused and no server that a later test starts
   * here can be given it. (Binding a port and closing it again frees it for the next server, which
   * in CI was a backend that answered the readiness probe for a "closed" port.)
   */
  static URI closedPortUri() {
    try {
      SocketChannel holder = SocketChannel.open();
      holder.setOption(StandardSocketOptions.SO_REUSEADDR, false);
      holder.bind(new InetSocketAddress("127.0.0.1", 0));
      HELD_PORTS.add(holder);
      return URI.create(
          "http://127.0.0.1:" + ((InetSocketAddress) holder.getLocalAddress()).getPort());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void answer(int status, String contentType, String body) {
    canned = new Canned(status, contentType, body);
  }

  /** The next request this backend received; fails if none arrives within 5 s. */
  Received nextRequest() throws InterruptedException {
    Received next = received.poll(5, TimeUnit.SECONDS);
    if (next == null) {
      throw new AssertionError(name + " received no request");
    }
    return next;
  }

  /** Requests whose body stopped before its end because the gateway closed the connection. */
  int abortedUploads() {
    return abortedUploads.get();
  }

  boolean receivedNothing() {
    return received.isEmpty();
  }

  void reset() {
    received.clear();
    canned = new Canned(200, "application/json", "{}\n");
  }

  void releaseSlowRequests() {
    slowRelease.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/actuator/health")) {
        respond(exchange, new Canned(200, "application/json", "{\"status\":\"UP\"}"));
        return;
      }
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException aborted) {
        abortedUploads.incrementAndGet();
        return; // the gateway gave up on the upload: nothing complete arrived
      }
      if (path.startsWith("/api/v1/drop")) {
        // The JDK server closes the connection, unanswered, when a handler throws.
        throw new IllegalStateException("dropping the connection on purpose");
      }
      if (path.startsWith("/api/v1/slow")) {
        try {
          slowRelease.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      received.add(
          new Received(
              exchange.getRequestMethod(),
              path,
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders(),
              body));
      respond(exchange, canned);
    }
  }

  private void respond(HttpExchange exchange, Canned answer) throws IOException {
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    exchange.getResponseHeaders().set("X-Backend", name);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
      exchange.sendResponseHeaders(answer.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    releaseSlowRequests();
    server.stop(0);
    executor.shutdownNow();
  }
}
