package io.zepusers.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The closed port the backends-down tests point at stays closed for the rest of the test run. */
class RecordingBackendTest {

  @Test
  void noLaterServerCanTakeTheClosedPort() {
    URI closed = RecordingBackend.closedPortUri();

    assertThatThrownBy(
            () ->
                HttpServer.create(new InetSocketAddress("127.0.0.1", closed.getPort()), 0).stop(0))
        .isInstanceOf(BindException.class);
  }

  @Test
  void connectionsToTheClosedPortAreRefused() {
    URI closed = RecordingBackend.closedPortUri();

    assertThatThrownBy(() -> new Socket("127.0.0.1", closed.getPort()).close())
        .isInstanceOf(ConnectException.class);
  }
}
