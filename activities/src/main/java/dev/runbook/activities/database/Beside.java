package dev.runbook.activities.database;

import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One JDBC call on a thread of its own while the caller works on another session: the staging
 * side of a discard measurement is read while the live side is, since neither waits for the
 * other, and the writers are stopped while it runs. The call owns its session until {@link #join};
 * {@link #close} waits for it, so a session is never closed under a query still running on it.
 */
final class Beside<T> implements AutoCloseable {
  /** A call that may throw what JDBC throws. */
  interface Call<T> {
    T run() throws SQLException;
  }

  private final FutureTask<T> task;

  private Beside(FutureTask<T> task) {
    this.task = task;
  }

  /** Starts {@code call} on its own thread; a null call is done at once with a null result. */
  static <T> Beside<T> start(String what, Call<T> call) {
    FutureTask<T> task = new FutureTask<>(() -> call == null ? null : call.run());
    if (call == null) {
      task.run();
    } else {
      Thread t = new Thread(task, "runbook-beside: " + what);
      t.setDaemon(true);
      t.start();
    }
    return new Beside<>(task);
  }

  /** The call's result, once it returned; what it threw, thrown here. */
  T join() throws SQLException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a query on another session", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Waits for the call to end (its result or failure is then dropped: the caller has failed). */
  @Override
  public void close() {
    boolean interrupted = false;
    while (!task.isDone()) {
      try {
        task.get();
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
