package io.zepusers.command.session;

import java.util.UUID;

public interface SessionIdentities {

  UUID newUuid();

  long nextPagingId();
}
