package io.zepusers.command.session;

import java.util.UUID;

interface SessionIdentities {

  UUID newUuid();

  long nextPagingId();
}
