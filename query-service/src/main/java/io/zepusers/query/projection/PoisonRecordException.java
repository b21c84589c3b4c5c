package io.zepusers.query.projection;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record that can never be applied: it does not decode, it conflicts with an event applied
 * before, or it fails alone with a data error. It goes to the dead-letter topic, once, and the
 * projection moves past it. The message is the {@code dlt_reason}.
 */
final class PoisonRecordException extends RuntimeException {

  private final String topic;
  private final int partition;
  private final long offset;
  private final boolean conflict;

  PoisonRecordException(String reason, ConsumerRecord<?, ?> record, boolean conflict) {
    super(reason, null, false, false);
    this.topic = record.topic();
    this.partition = record.partition();
    this.offset = record.offset();
    this.conflict = conflict;
  }

  boolean isAbout(ConsumerRecord<?, ?> record) {
    return record.topic().equals(topic)
        && record.partition() == partition
        && record.offset() == offset;
  }

  boolean isConflict() {
    return conflict;
  }

  /** The poison record exception in {@code e}'s causes, or null. */
  static PoisonRecordException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PoisonRecordException poison) {
        return poison;
      }
    }
    return null;
  }
}
