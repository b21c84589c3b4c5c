package io.zepusers.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client that writes exactly the bytes it is given, so a test can send what no well-behaved HTTP
 * client would: broken request lines, half a header, a body shorter than its Content-Length. Every
 * read is bounded by {@link #READ_BOUND}.
 */
final class RawHttp implements AutoCloseable {

  static final Duration READ_BOUND = Duration.ofSeconds(10);

  record Response(int status, Map<String, String> headers, String body) {

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawHttp connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    socket.setSoTimeout(Math.toIntExact(READ_BOUND.toMillis()));
    return new RawHttp(socket);
  }

  /** Sends {@code text} as ISO-8859-1, the way HTTP/1.1 heads travel. */
  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one response: status line, headers, and a body delimited by Content-Length. */
  Response read() throws IOException {
    return read(true);
  }

  /** Reads the response to a HEAD request, which has a Content-Length but no body. */
  Response readHeadOnly() throws IOException {
    return read(false);
  }

  private Response read(boolean withBody) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new AssertionError("connection closed without a response");
    }
    int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
    Map<String, String> headers = new TreeMap<>();
    for (String header = line(); header != null && !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      headers.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
    String length = headers.get("content-length");
    byte[] body =
        length == null || !withBody ? new byte[0] : in.readNBytes(Integer.parseInt(length));
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /**
   * True if the gateway closed the connection (end of stream) before {@link #READ_BOUND} passed.
   */
  boolean closedByGateway() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
