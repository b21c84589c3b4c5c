package io.zepusers.gateway.inbound;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.zepusers.gateway.errors.PlainText;
import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * What a client may send and how slowly, and what the gateway says when it goes past that.
 *
 * @param maxRequestLineLength the HTTP codec's limit on the request line, in bytes
 * @param maxHeaderSize the HTTP codec's limit on all header lines together, in bytes
 * @param headerTimeout time allowed for a whole request head, from its first byte
 * @param bodyReadTimeout longest silence allowed while the gateway wants more of a body
 */
record InboundLimits(
    long maxRequestLineLength,
    long maxHeaderSize,
    Duration headerTimeout,
    Duration bodyReadTimeout) {

  /** The answer to a request head the codec gave up on. */
  Refusal undecodable(HttpRequest failed) {
    Throwable cause = failed.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      return new Refusal(
          HttpStatus.URI_TOO_LONG.value(),
          "uri too long: the request line may be at most " + maxRequestLineLength + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new Refusal(
          HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.value(),
          "request headers too large: at most " + maxHeaderSize + " bytes");
    }
    // The codec makes up a whole stand-in request when the request line itself is broken,
    // and hands back the request it was building when a header is.
    return new Refusal(
        HttpStatus.BAD_REQUEST.value(),
        failed instanceof FullHttpRequest
            ? "bad request: malformed request line"
            : "bad request: malformed header");
  }

  Refusal headTooSlow() {
    return new Refusal(
        HttpStatus.REQUEST_TIMEOUT.value(),
        "request timeout: request head not received within " + PlainText.duration(headerTimeout));
  }

  RequestBodyException bodyTooSlow() {
    return new RequestBodyException(
        HttpStatus.REQUEST_TIMEOUT,
        "request timeout: no request body data for " + PlainText.duration(bodyReadTimeout));
  }
}
