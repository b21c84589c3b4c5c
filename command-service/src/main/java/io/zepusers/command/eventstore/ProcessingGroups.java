package io.zepusers.command.eventstore;

/**
 * The command side's event processors, by name: how each runs (subscribing in the command's
 * transaction, or tracking) is set under {@code axon.eventhandling.processors} in application.yml.
 */
public final class ProcessingGroups {

  /** Tracking: sends every stored event to Kafka, in store order. */
  public static final String KAFKA_PUBLISHER = "kafka-publisher";

  /** Subscribing: keeps the directory tables in the transaction that stores the events. */
  public static final String DIRECTORY = "command-directory";

  /** Subscribing: removes a deleted user's sessions in the transaction that deletes it. */
  public static final String SESSIONS_OF_DELETED_USERS = "sessions-of-deleted-users";

  private ProcessingGroups() {}
}
