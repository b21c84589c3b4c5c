package io.zepusers.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port helpers: random free ports, and a clear failure when a fixed port is taken. */
final class Ports {
  private Ports() {}

  static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new LocalStackException("cannot find a free TCP port: " + e.getMessage(), e);
    }
  }

  /**
   * {@code requested} when it is free, a random free port when it is 0; otherwise fails naming the
   * variable to change.
   */
  static int claim(int requested, String what, String envVar) {
    if (requested == 0) {
      return free();
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requested), 1);
      return requested;
    } catch (IOException e) {
      throw new LocalStackException(
          "port "
              + requested
              + " for "
              + what
              + " is already in use; set "
              + envVar
              + " to a free port (0 = random), or stop whatever listens on it");
    }
  }
}
