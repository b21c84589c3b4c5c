package io.zepusers.query.projection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies a poll's records to the read models, in one database transaction with the next offset of
 * each partition, and then lets waiting readers go on.
 *
 * <p>A failure that passes (see {@link Failures}) is thrown as is: the container's error handler
 * backs off and delivers the batch again, without end, and never dead-letters for it. A record that
 * can never apply is found (undecodable and conflicting records at once; one that fails with a data
 * error by applying the batch one record at a time), and the records before it are committed; the
 * outcome names it as poison.
 */
@Component
class AppliedBatches {

  private static final Logger log = LoggerFactory.getLogger(AppliedBatches.class);

  private final LiveBatch batches;
  private final TransactionTemplate transactions;
  private final AppliedPositions applied;
  private final ProjectionStatus status;
  private final ProjectionLag lag;

  AppliedBatches(
      LiveBatch batches,
      TransactionTemplate transactions,
      AppliedPositions applied,
      ProjectionStatus status,
      ProjectionLag lag) {
    this.batches = batches;
    this.transactions = transactions;
    this.applied = applied;
    this.status = status;
    this.lag = lag;
  }

  /**
   * The batch in one transaction; if a record in it fails with a data error, one transaction per
   * record up to it.
   */
  LiveBatch.Outcome apply(
      ReadModelGeneration.Generation of, List<ConsumerRecord<String, byte[]>> records) {
    try {
      return committed(of, transactions.execute(tx -> batches.apply(of, records)));
    } catch (RuntimeException e) {
      if (!Failures.isRecordFault(e)) {
        status.failed(e);
        throw e;
      }
      log.warn(
          "a batch of {} records failed, applying them one by one to find the one that cannot apply: {}",
          records.size(),
          Failures.describe(e));
    }
    Map<Integer, Long> positions = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, byte[]> record = records.get(i);
      LiveBatch.Outcome alone;
      try {
        alone = committed(of, transactions.execute(tx -> batches.apply(of, List.of(record))));
      } catch (RuntimeException e) {
        if (!Failures.isRecordFault(e)) {
          status.failed(e);
          throw e;
        }
        alone =
            new LiveBatch.Outcome(
                Map.of(),
                List.of(),
                new PoisonRecordException("cannot apply: " + Failures.describe(e), record, false));
      }
      alone.positions().forEach((partition, next) -> positions.merge(partition, next, Math::max));
      if (alone.movedTo() != null) {
        return new LiveBatch.Outcome(positions, records.subList(0, i + 1), null, alone.movedTo());
      }
      if (alone.poison() != null) {
        return new LiveBatch.Outcome(positions, records.subList(0, i), alone.poison());
      }
    }
    return new LiveBatch.Outcome(positions, records, null);
  }

  /** After the commit: readers waiting for these positions may go on. */
  private LiveBatch.Outcome committed(
      ReadModelGeneration.Generation of, LiveBatch.Outcome outcome) {
    status.progressed();
    applied.advance(of.topic(), outcome.positions());
    lag.record(outcome.handled());
    return outcome;
  }
}
