package io.zepusers.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class GatewayPropertiesTest {

  @Test
  void defaultsMatchTheContract() {
    GatewayProperties properties = bind(Map.of());

    assertThat(properties.commandUri()).isEqualTo(URI.create("http://127.0.0.1:8081"));
    assertThat(properties.queryUri()).isEqualTo(URI.create("http://127.0.0.1:8082"));
    assertThat(properties.maxBodySize()).isEqualTo(DataSize.ofMegabytes(5));
    assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(properties.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(properties.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(properties.bodyReadTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(properties.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(properties.version()).isEqualTo("0.27.2");
    assertThat(properties.build()).isEqualTo("zepusers");
  }

  @Test
  void versionWithADashIsRejectedBecauseClientsWouldCutItShort() {
    assertThatThrownBy(() -> bind(Map.of("zep.gateway.version", "0.27.2-rc1")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("MAJOR.MINOR.PATCH");
  }

  @Test
  void aTimeoutOfZeroIsRejectedBecauseItWouldRefuseEveryRequest() {
    assertThatThrownBy(() -> bind(Map.of("zep.gateway.body-read-timeout", "0s")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("body-read-timeout must be positive");
  }

  private static GatewayProperties bind(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values))
        .bindOrCreate("zep.gateway", GatewayProperties.class);
  }
}
