package io.zepusers.query.projection;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the container's error handler does with a record it gives up on. Only a record the
 * projection itself found unapplicable ({@link PoisonRecordException} about exactly that record)
 * goes to the dead-letter topic; anything else is refused, so the handler delivers it again rather
 * than lose it. The record's position is stored in the transaction that waits for the dead letter's
 * acknowledgement: once acknowledged it is not dead-lettered again, not even after a restart (a
 * crash between the acknowledgement and the commit can still send it twice).
 */
@Component
class DeadLetterRecoverer implements ConsumerRecordRecoverer {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterRecoverer.class);

  private final DeadLetters deadLetters;
  private final ProjectionStore store;
  private final TransactionTemplate transactions;
  private final AppliedPositions applied;
  private final ProjectionStatus status;
  private final ProjectionSettings retry;
  private final ObjectProvider<MessageListenerContainer> container;
  private long nextWait;

  DeadLetterRecoverer(
      DeadLetters deadLetters,
      ProjectionStore store,
      TransactionTemplate transactions,
      AppliedPositions applied,
      ProjectionStatus status,
      ProjectionSettings retry,
      ObjectProvider<MessageListenerContainer> container) {
    this.deadLetters = deadLetters;
    this.store = store;
    this.transactions = transactions;
    this.applied = applied;
    this.status = status;
    this.retry = retry;
    this.container = container;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void accept(ConsumerRecord<?, ?> failed, Exception exception) {
    ConsumerRecord<String, byte[]> record = (ConsumerRecord<String, byte[]>) failed;
    PoisonRecordException poison = PoisonRecordException.in(exception);
    if (poison == null || !poison.isAbout(record)) {
      throw new IllegalStateException(
          "not dead-lettering "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset()
              + ": it was not found unapplicable; delivering it again");
    }
    boolean sent;
    try {
      sent = transactions.execute(tx -> storePositionAndSend(record, poison));
    } catch (RuntimeException e) {
      status.failed(e);
      backOff();
      throw e;
    }
    nextWait = 0;
    status.progressed();
    applied.advance(record.topic(), Map.of(record.partition(), record.offset() + 1));
    if (sent && poison.isConflict()) {
      log.error(
          "dead-lettered {}-{}@{} (key {}): {}",
          record.topic(),
          record.partition(),
          record.offset(),
          record.key(),
          poison.getMessage());
    } else if (sent) {
      log.warn(
          "dead-lettered {}-{}@{} (key {}): {}",
          record.topic(),
          record.partition(),
          record.offset(),
          record.key(),
          poison.getMessage());
    }
  }

  private boolean storePositionAndSend(
      ConsumerRecord<String, byte[]> record, PoisonRecordException poison) {
    Long stored =
        store.lockPositions(record.topic(), List.of(record.partition())).get(record.partition());
    if (stored != null && stored > record.offset()) {
      return false; // handled before: dead-lettered already, or applied by another instance
    }
    store.savePositions(record.topic(), Map.of(record.partition(), record.offset() + 1));
    deadLetters.send(record, poison);
    return true;
  }

  /**
   * The error handler delivers the record again at once; waiting here keeps that from spinning
   * while Kafka is away.
   */
  private void backOff() {
    nextWait =
        nextWait == 0
            ? retry.retryInitialInterval().toMillis()
            : Math.min(
                retry.retryMaxInterval().toMillis(), (long) (nextWait * retry.retryMultiplier()));
    try {
      ListenerUtils.stoppableSleep(container.getIfAvailable(), nextWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
