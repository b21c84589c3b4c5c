package io.zepusers.query.projection;

import java.io.IOException;
import java.sql.SQLException;
import org.apache.kafka.common.KafkaException;
import org.springframework.dao.DataAccessException;

/**
 * Tells a record's fault from the environment's. Only a data error (SQLState class 22, 23) or an
 * error of our own code on the record's data (no database or broker involved) can be the record's
 * fault, and only if it fails alone. Everything else - connections refused or lost (class 08),
 * resources (53), shutdowns (57), serialization failures and deadlocks (40), a read-only failover
 * (25006), a missing table or permission (42), a broker unreachable - is the environment's: the
 * projection waits it out and never dead-letters a record for it.
 */
public final class Failures {

  private Failures() {}

  public static boolean isRecordFault(Throwable failure) {
    boolean environmental = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException s = sql;
            s != null;
            s = s.getNextException() == s ? null : s.getNextException()) {
          if (isDataError(s.getSQLState())) {
            return true;
          }
        }
        environmental = true;
      } else if (t instanceof DataAccessException
          || t instanceof KafkaException
          || t instanceof IOException) {
        environmental = true;
      }
    }
    return !environmental;
  }

  private static boolean isDataError(String sqlState) {
    return sqlState != null && (sqlState.startsWith("22") || sqlState.startsWith("23"));
  }

  /**
   * One line for logs and the dead-letter reason: the innermost message, which names what went
   * wrong.
   */
  public static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replaceAll("\\s+", " ").trim();
  }
}
