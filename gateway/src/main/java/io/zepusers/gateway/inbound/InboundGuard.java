package io.zepusers.gateway.inbound;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.zepusers.gateway.version.ZepVersionHeaderFilter;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind Netty's HTTP codec, on every connection, and turns what goes wrong below Spring
 * into answers Spring gives like any other (one line of text/plain, X-Zep-Version):
 *
 * <ul>
 *   <li>A request head the codec could not decode (bad request line or header, over a size limit)
 *       becomes a {@link Refusal}: 400, 414 or 431 where Reactor Netty would send an empty body.
 *   <li>A head not complete {@code headerTimeout} after its first byte becomes a 408 refusal, so a
 *       client that sends half a header, or dribbles one in, cannot hold the connection.
 *   <li>A body that stays silent for {@code bodyReadTimeout} while the gateway wants more of it, or
 *       whose chunked framing is broken, fails the request body with a {@link
 *       RequestBodyException}: the upload to the backend is aborted and the error handler answers
 *       408 or 400, long before the backend's response timeout could turn it into a 504.
 *   <li>An error answer that never went through Spring's filters gets the one line too: Reactor
 *       Netty's own for a request it refuses after this handler passed it on (a Host header whose
 *       port is no number), and Spring's adapter's bare 400 for a target {@link java.net.URI}
 *       rejects (e.g. {@code /a%zz}), which it sends before any filter or error handler runs.
 *   <li>Raw bytes above 0x7F in a request target are percent-encoded, see {@link RequestTarget}.
 * </ul>
 *
 * Reactor Netty's ReadTimeoutHandler is not used for bodies because it closes the connection before
 * an answer can be written. Connections holding no request at all are left to Reactor Netty's idle
 * timeout, which closes them without an answer. All state is touched on the channel's event loop
 * only.
 */
final class InboundGuard extends ChannelDuplexHandler {

  static final String NAME = "zepInboundGuard";

  private static final Logger log = LoggerFactory.getLogger(InboundGuard.class);
  private static final long NONE = Long.MIN_VALUE;

  private final InboundLimits limits;
  private final String zepVersion;

  /**
   * A refusal or a body failure ended this connection; whatever the client sends after it is
   * dropped.
   */
  private boolean ended;

  /** A request head went on to Spring and its last body part has not arrived yet. */
  private boolean inBody;

  /** The current read burst produced at least one decoded part. */
  private boolean decodedThisRead;

  private long headStartedAt = NONE;
  private long lastBodyProgress;
  private ScheduledFuture<?> check;

  /**
   * Requests passed on whose answer has not started yet, oldest first: HTTP/1.1 answers in order.
   */
  private final Queue<HttpRequest> awaitingAnswer = new ArrayDeque<>();

  /** An answer has started and its last part has not been written yet. */
  private boolean answering;

  InboundGuard(InboundLimits limits, String zepVersion) {
    this.limits = limits;
    this.zepVersion = zepVersion;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    decodedThisRead = true;
    if (ended) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      headStartedAt = NONE;
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        refuseUndecodable(ctx, request);
        return;
      }
      request.headers().remove(Refusal.HEADER);
      request.setUri(RequestTarget.withRawBytesEncoded(request.uri()));
      awaitingAnswer.add(request);
      inBody = true;
      lastBodyProgress = System.nanoTime();
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure() && ctx.channel().isActive()) {
        ReferenceCountUtil.release(msg);
        failBody(ctx, RequestBodyException.malformedChunkedBody());
        return;
      }
      lastBodyProgress = System.nanoTime();
      if (content instanceof LastHttpContent) {
        inBody = false;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!ended) {
      if (inBody) {
        // Bytes came in, even if they did not make up a whole chunk yet.
        lastBodyProgress = System.nanoTime();
        scheduleCheck(ctx, limits.bodyReadTimeout().toNanos());
      } else if (!decodedThisRead && headStartedAt == NONE) {
        // Bytes came in that do not make a whole head yet.
        headStartedAt = System.nanoTime();
        scheduleCheck(ctx, limits.headerTimeout().toNanos());
      }
    }
    decodedThisRead = false;
    ctx.fireChannelReadComplete();
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (inBody) {
      // Asking for more (again, after backpressure): the client's silence counts from now.
      lastBodyProgress = System.nanoTime();
    }
    ctx.read();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    Object out = msg;
    if (msg instanceof HttpResponse response && response.status().code() >= 200) {
      HttpRequest answered = awaitingAnswer.poll();
      answering = true;
      // Everything that went through Spring's filters carries X-Zep-Version; an error
      // answer without it was made up below them, with an empty body.
      if (msg instanceof FullHttpResponse bare
          && bare.status().code() >= 400
          && !bare.headers().contains(ZepVersionHeaderFilter.HEADER)) {
        boolean toHead = answered != null && HttpMethod.HEAD.equals(answered.method());
        out = Refusal.forBareAnswer(bare, answered).replacing(bare, toHead, zepVersion);
        bare.release();
      }
    }
    if (msg instanceof LastHttpContent) {
      answering = false;
    }
    ctx.write(out, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelCheck();
    awaitingAnswer.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelCheck();
  }

  private void refuseUndecodable(ChannelHandlerContext ctx, HttpRequest request) {
    if (!ctx.channel().isActive()) {
      ended = true; // the client went away mid-head: nobody to answer
      return;
    }
    log.debug("{} refused: {}", ctx.channel(), request.decoderResult().cause().toString());
    refuse(ctx, limits.undecodable(request));
  }

  private void refuse(ChannelHandlerContext ctx, Refusal refusal) {
    ended = true;
    inBody = false;
    headStartedAt = NONE;
    HttpRequest standIn = refusal.standIn();
    awaitingAnswer.add(standIn);
    ctx.fireChannelRead(standIn);
  }

  private void failBody(ChannelHandlerContext ctx, RequestBodyException failure) {
    ended = true;
    inBody = false;
    log.debug("{} request body failed: {}", ctx.channel(), failure.line());
    // Reaches Reactor Netty's inbound stream, which errors the body Spring is forwarding.
    ctx.fireExceptionCaught(failure);
  }

  private void scheduleCheck(ChannelHandlerContext ctx, long delayNanos) {
    if (check == null) {
      check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void cancelCheck() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void check(ChannelHandlerContext ctx) {
    check = null;
    if (ended || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (headStartedAt != NONE) {
      long left = limits.headerTimeout().toNanos() - (now - headStartedAt);
      if (left > 0) {
        scheduleCheck(ctx, left);
        return;
      }
      refuse(ctx, limits.headTooSlow());
      ctx.fireChannelReadComplete();
    } else if (inBody) {
      boolean answered = awaitingAnswer.isEmpty() && !answering;
      if (!answered && !ctx.channel().config().isAutoRead()) {
        // The gateway itself is not reading (its upload to the backend is backed up):
        // not the client's silence.
        lastBodyProgress = now;
      }
      long left = limits.bodyReadTimeout().toNanos() - (now - lastBodyProgress);
      if (left > 0) {
        scheduleCheck(ctx, left);
        return;
      }
      if (answered) {
        // Answered without the body (e.g. 404); the connection is of no use until the
        // rest of it arrives, and it does not.
        ended = true;
        ctx.close();
        return;
      }
      failBody(ctx, limits.bodyTooSlow());
    }
  }
}
