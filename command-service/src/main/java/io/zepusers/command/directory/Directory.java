package io.zepusers.command.directory;

import java.util.List;

/**
 * What commands may know about other aggregates: whether a user exists and which sessions it has,
 * kept in the command side's own tables in the same transaction as the events (see {@link
 * JdbcDirectory} for the locking).
 */
public interface Directory {

  /** True if the user exists; it then cannot be deleted until the calling transaction ends. */
  boolean lockExistingUser(String userId);

  /**
   * Locks the user against new sessions until the calling transaction ends, and lists its sessions.
   */
  List<String> lockUserAndListSessions(String userId);
}
