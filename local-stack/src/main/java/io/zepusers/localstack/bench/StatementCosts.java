package io.zepusers.localstack.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's own account of a phase (pg_stat_statements, which the local stack preloads): the
 * statements that took the most time, in every database, per 1,000 events. {@link CpuAccount} says
 * how much PostgreSQL costs; this says for what.
 */
final class StatementCosts {

  private static final int TOP = 12;
  private final String jdbcUrl;

  private StatementCosts(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /** Counts from now on; {@code jdbcUrl} is any database of the stack's cluster. */
  static StatementCosts begin(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      s.execute("SELECT pg_stat_statements_reset()");
    }
    return new StatementCosts(jdbcUrl);
  }

  /** The costliest statements since {@link #begin(String)}, a line each. */
  List<String> report(long events) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT d.datname, sum(calls), sum(rows), sum(total_exec_time), sum(total_plan_time), query "
                    + "FROM pg_stat_statements p JOIN pg_database d ON d.oid = p.dbid "
                    + "GROUP BY d.datname, query ORDER BY 4 DESC LIMIT "
                    + TOP)) {
      lines.add("PostgreSQL statements by time (ms per 1,000 events, calls, rows; database):");
      while (rs.next()) {
        String query = rs.getString(6).replaceAll("\\s+", " ");
        lines.add(
            String.format(
                "  %7.1f ms %9d calls %10d rows  %-8s %s",
                (rs.getDouble(4) + rs.getDouble(5)) / events * 1000,
                rs.getLong(2),
                rs.getLong(3),
                rs.getString(1),
                query.length() > 140 ? query.substring(0, 140) + "..." : query));
      }
    }
    return lines;
  }
}
