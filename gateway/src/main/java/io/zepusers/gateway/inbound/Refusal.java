package io.zepusers.gateway.inbound;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.zepusers.gateway.errors.PlainText;
import io.zepusers.gateway.version.ZepVersionHeaderFilter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.http.HttpStatus;

/**
 * An answer decided in the Netty pipeline for a request whose head Spring never gets: one the codec
 * could not decode, or one that did not arrive in time. It travels on to Reactor Netty and Spring
 * as a stand-in request marked with {@link #HEADER}, so the answer takes its turn behind earlier
 * responses on the connection and carries the headers every answer carries. The answer closes the
 * connection: the codec cannot find the start of a next request after a broken one. (The stand-in
 * itself must not ask for that: Reactor Netty would then close the connection after the response
 * before it, and drop the stand-in unanswered.)
 *
 * @param status HTTP status of the answer
 * @param line the one line of text/plain it says
 */
record Refusal(int status, String line) {

  /** Set only by {@link InboundGuard}, which strips it from every request a client sends. */
  static final String HEADER = "X-Zep-Gateway-Refusal";

  FullHttpRequest standIn() {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER);
    request
        .headers()
        .set(HttpHeaderNames.HOST, "localhost")
        .set(HttpHeaderNames.CONTENT_LENGTH, 0)
        .set(HEADER, status + " " + line);
    return request;
  }

  /**
   * This answer in place of {@code original}, an empty error answer made up below Spring's filters;
   * see {@link #forBareAnswer}. Its headers (Connection among them) are kept.
   */
  FullHttpResponse replacing(FullHttpResponse original, boolean toHead, String zepVersion) {
    byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            original.protocolVersion(),
            original.status(),
            toHead ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(original.headers())
        .set(HttpHeaderNames.CONTENT_TYPE, PlainText.CONTENT_TYPE)
        .set("X-Content-Type-Options", "nosniff")
        .set(ZepVersionHeaderFilter.HEADER, zepVersion)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /**
   * What to say in place of an empty error answer made up below Spring's filters for {@code
   * request}.
   */
  static Refusal forBareAnswer(FullHttpResponse bare, HttpRequest request) {
    int status = bare.status().code();
    if (request != null && request.decoderResult().isFailure()) {
      // Reactor Netty refused it after the codec; it reads the Host header's port as a number
      // first.
      return new Refusal(
          status,
          request.decoderResult().cause() instanceof NumberFormatException
              ? "bad request: invalid host header"
              : bare.status().reasonPhrase().toLowerCase(Locale.ROOT));
    }
    if (status == HttpStatus.BAD_REQUEST.value()) {
      // Spring's Reactor adapter, when java.net.URI rejects the request target
      return new Refusal(status, "bad request: invalid uri");
    }
    return new Refusal(status, bare.status().reasonPhrase().toLowerCase(Locale.ROOT));
  }

  /** The refusal a stand-in request carries in {@link #HEADER}. */
  static Refusal parse(String header) {
    int space = header.indexOf(' ');
    return new Refusal(Integer.parseInt(header.substring(0, space)), header.substring(space + 1));
  }
}
