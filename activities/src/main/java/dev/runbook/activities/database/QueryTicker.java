package dev.runbook.activities.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Beats the activity's heartbeat while a long query runs: a server-side sort of a large table
 * sends no row for minutes, and the beats from the row loop alone would stop. When a beat says
 * the activity was cancelled or timed out, the sessions are aborted, so the query stops at once
 * and the attempt ends (releasing what it holds) instead of running on unseen.
 */
final class QueryTicker implements AutoCloseable {
  private static final long EVERY_SECONDS = 5;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "runbook-discard-heartbeat");
    t.setDaemon(true);
    return t;
  });

  QueryTicker(Heartbeat beat, List<Connection> sessions) {
    timer.scheduleAtFixedRate(() -> {
      try {
        beat.tick();
      } catch (RuntimeException cancelled) {
        sessions.forEach(QueryTicker::abort);
        timer.shutdown();
      }
    }, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
  }

  private static void abort(Connection c) {
    try {
      c.abort(Runnable::run);
    } catch (SQLException | RuntimeException ignored) {
      // The session is going away either way.
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
