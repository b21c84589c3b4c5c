package io.zepusers.gateway.inbound;

import io.netty.channel.ChannelPipeline;
import io.zepusers.gateway.GatewayProperties;
import io.zepusers.gateway.version.ZepVersionHeaderFilter;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.reactor.netty.autoconfigure.NettyServerProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * Puts {@link InboundGuard} behind the HTTP codec of every connection and sets the idle timeout.
 * The codec's own limits stay Boot's ({@code server.netty.max-initial-line-length}, {@code
 * server.max-http-request-header-size}): Boot rebuilds the decoder settings from them after every
 * customizer, so they are read here only to say them in the answers.
 */
@Configuration(proxyBeanMethods = false)
class InboundConfiguration {

  @Bean
  NettyServerCustomizer inboundGuardCustomizer(
      GatewayProperties gateway,
      ServerProperties server,
      NettyServerProperties netty,
      ZepVersionHeaderFilter version) {
    InboundLimits limits =
        new InboundLimits(
            netty.getMaxInitialLineLength().toBytes(),
            server.getMaxHttpRequestHeaderSize().toBytes(),
            gateway.headerTimeout(),
            gateway.bodyReadTimeout());
    return httpServer ->
        httpServer
            .idleTimeout(gateway.idleTimeout())
            .doOnChannelInit(
                (observer, channel, remoteAddress) -> {
                  ChannelPipeline pipeline = channel.pipeline();
                  if (pipeline.get(NettyPipeline.HttpCodec) != null) {
                    pipeline.addAfter(
                        NettyPipeline.HttpCodec,
                        InboundGuard.NAME,
                        new InboundGuard(limits, version.value()));
                  }
                });
  }
}
