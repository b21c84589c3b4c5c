package io.zepusers.command;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;

/** A command gateway for aggregate tests that records what a handler sends to other aggregates. */
public final class RecordingCommandGateway {

  private final List<Object> sent = new ArrayList<>();
  private final CommandGateway gateway =
      (CommandGateway)
          Proxy.newProxyInstance(
              CommandGateway.class.getClassLoader(),
              new Class<?>[] {CommandGateway.class},
              (proxy, method, args) -> {
                if (method.getName().startsWith("send") && args != null && args.length > 0) {
                  sent.add(args[0]);
                  return null;
                }
                throw new UnsupportedOperationException(method.getName());
              });

  public CommandGateway gateway() {
    return gateway;
  }

  public List<Object> sent() {
    return sent;
  }
}
