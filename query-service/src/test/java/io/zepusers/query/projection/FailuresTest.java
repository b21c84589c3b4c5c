package io.zepusers.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.zepusers.events.CloudEventsKafka.UndecodableRecordException;
import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** Which failures may cost a record its place (dead-lettered) and which are waited out. */
class FailuresTest {

  @Test
  void theDatabaseOrBrokerBeingAwayIsNeverTheRecordsFault() {
    assertThat(
            Failures.isRecordFault(
                new CannotGetJdbcConnectionException(
                    "Could not open JDBC Connection",
                    new SQLTransientConnectionException("timed out"))))
        .isFalse();
    assertThat(
            Failures.isRecordFault(
                new DataAccessResourceFailureException(
                    "I/O error",
                    new SQLException("An I/O error occurred", "08006", new ConnectException()))))
        .isFalse();
    assertThat(
            Failures.isRecordFault(
                new DataAccessResourceFailureException(
                    "shutdown",
                    new SQLException(
                        "terminating connection due to administrator command", "57P01"))))
        .isFalse();
    assertThat(
            Failures.isRecordFault(
                new DataAccessResourceFailureException(
                    "disk full", new SQLException("could not extend file", "53100"))))
        .isFalse();
    assertThat(
            Failures.isRecordFault(
                new PessimisticLockingFailureException(
                    "deadlock", new SQLException("deadlock detected", "40P01"))))
        .isFalse();
    assertThat(
            Failures.isRecordFault(
                new BadSqlGrammarException(
                    "apply",
                    "INSERT ...",
                    new SQLException("relation \"users\" does not exist", "42P01"))))
        .isFalse();
    assertThat(Failures.isRecordFault(new TimeoutException("Kafka away"))).isFalse();
  }

  @Test
  void aDataErrorOrOurCodeFailingOnTheDataIs() {
    assertThat(
            Failures.isRecordFault(
                new DataIntegrityViolationException(
                    "dup", new SQLException("duplicate key value", "23505"))))
        .isTrue();
    BatchUpdateException batch =
        new BatchUpdateException("Batch entry 0 was aborted", "22P05", 0, new int[0]);
    assertThat(Failures.isRecordFault(new DataIntegrityViolationException("batch", batch)))
        .isTrue();
    assertThat(Failures.isRecordFault(new IllegalArgumentException("no such field"))).isTrue();
    assertThat(Failures.isRecordFault(new UndecodableRecordException("missing header ce_id")))
        .isTrue();
  }
}
