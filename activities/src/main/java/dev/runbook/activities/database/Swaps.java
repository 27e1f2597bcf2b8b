package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.DatabaseActivities.SwapResult;
import dev.runbook.workflows.activities.FailureType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renaming databases: the restored staging copy becomes live and the old live one the safety
 * copy ({@code swap}), the reverse ({@code swapBack}), and dropping the staging copy. Both renames
 * of a swap run in one transaction (ALTER DATABASE RENAME is transactional), so if the second
 * fails the first is undone with it and the live database keeps its name. Each call reads which
 * names exist first: that state tells whether the work is already done.
 */
final class Swaps {
  private static final Logger log = LoggerFactory.getLogger(Swaps.class);
  /** A new session can slip in between ending the sessions and renaming; a few tries cover it. */
  private static final int ATTEMPTS = 3;

  SwapResult swap(ConfiguredDatabase db, String runTag, boolean dryRun) {
    String live = db.live();
    String staging = PgNames.staging(live, runTag);
    String safety = PgNames.safety(live, runTag);
    List<String> planned = List.of(
        PgClient.terminateSql(live),
        "BEGIN",
        rename(live, safety),
        rename(staging, live),
        "COMMIT");
    return db.client().onMaintenance("swap " + staging + " in as " + live, c -> {
      Optional<String> stagingComment = PgClient.databaseComment(c, staging);
      boolean safetyExists = PgClient.exists(c, safety);
      boolean liveExists = PgClient.exists(c, live);
      if (stagingComment.isEmpty()) {
        if (safetyExists && liveExists) {
          return new SwapResult(db.name(), live, safety, false, List.of()); // done by an earlier attempt
        }
        throw Failures.of(FailureType.UNKNOWN_DATABASE, "there is no staging database " + staging
            + " for run " + runTag + ": restore a backup into it first (restoreStaged)");
      }
      if (!stagingComment.get().startsWith("runbook: restore of backup ")) {
        throw Failures.of(FailureType.INVALID_INPUT, "staging database " + staging + " holds no"
            + " completed restore: run restoreStaged again before swapping");
      }
      if (safetyExists) {
        throw Failures.of(FailureType.INVALID_INPUT, "the safety copy " + safety + " already exists"
            + " next to " + staging + ": this run swapped before; swap back or drop one by hand");
      }
      if (!liveExists) {
        throw Failures.of(FailureType.UNKNOWN_DATABASE, "the live database " + live + " does not exist:"
            + " check databases." + db.name() + ".database");
      }
      if (dryRun) {
        return new SwapResult(db.name(), live, safety, false, planned);
      }
      renameBoth(c, live, safety, staging, live);
      log.info("swapped {} in as {}; the old one is kept as {}", staging, live, safety);
      return new SwapResult(db.name(), live, safety, true, planned);
    });
  }

  SwapResult swapBack(ConfiguredDatabase db, String runTag, boolean dryRun) {
    String live = db.live();
    String staging = PgNames.staging(live, runTag);
    String safety = PgNames.safety(live, runTag);
    return db.client().onMaintenance("swap " + safety + " back in as " + live, c -> {
      boolean safetyExists = PgClient.exists(c, safety);
      boolean liveExists = PgClient.exists(c, live);
      if (!safetyExists) {
        return new SwapResult(db.name(), live, null, false, List.of()); // never swapped, or undone
      }
      if (PgClient.exists(c, staging)) {
        throw Failures.of(FailureType.INVALID_INPUT, "both " + staging + " and " + safety + " exist,"
            + " so the restored copy cannot take the staging name back: drop " + staging
            + " (dropStaging) and swap back again");
      }
      List<String> planned = new ArrayList<>();
      if (liveExists) {
        planned.addAll(List.of(PgClient.terminateSql(live), "BEGIN", rename(live, staging),
            rename(safety, live), "COMMIT"));
      } else {
        planned.add(rename(safety, live));
      }
      if (dryRun) {
        return new SwapResult(db.name(), live, null, false, planned);
      }
      if (liveExists) {
        renameBoth(c, live, staging, safety, live);
      } else {
        execute(c, rename(safety, live));
      }
      log.info("swapped {} back in as {}; the restored copy is {} again", safety, live, staging);
      return new SwapResult(db.name(), live, null, true, planned);
    });
  }

  SwapResult dropStaging(ConfiguredDatabase db, String runTag, boolean dryRun) {
    String live = db.live();
    String staging = PgNames.staging(live, runTag);
    String safety = PgNames.safety(live, runTag);
    if (staging.equals(live) || staging.equals(safety)) {
      throw Failures.of(FailureType.INVALID_INPUT, "refusing to drop " + staging + ": it is not a"
          + " staging database");
    }
    List<String> planned = List.of(PgClient.terminateSql(staging), PgClient.dropSql(staging));
    return db.client().onMaintenance("drop " + staging, c -> {
      String kept = PgClient.exists(c, safety) ? safety : null;
      if (!PgClient.exists(c, staging)) {
        return new SwapResult(db.name(), live, kept, false, List.of());
      }
      if (dryRun) {
        return new SwapResult(db.name(), live, kept, false, planned);
      }
      PgClient.drop(c, staging);
      return new SwapResult(db.name(), live, kept, true, planned);
    });
  }

  /**
   * Ends the sessions on {@code a} (the live database), then renames a to a2 and b to b2 in one
   * transaction. The sessions on {@code b} are not ended: nothing should use it, and if something
   * does, the swap stops at once with both renames rolled back. A new session on {@code a} that
   * slipped in is ended on the next try.
   */
  private static void renameBoth(Connection c, String a, String a2, String b, String b2)
      throws SQLException {
    SQLException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      PgClient.terminate(c, a);
      c.setAutoCommit(false);
      try {
        execute(c, rename(a, a2));
        execute(c, rename(b, b2));
        c.commit();
        return;
      } catch (SQLException e) {
        c.rollback();
        if (!"55006".equals(e.getSQLState())) {
          throw e;
        }
        last = e;
      } finally {
        c.setAutoCommit(true);
      }
      if (PgClient.sessions(c, b) > 0) {
        break; // retrying cannot help: those sessions are not ours to end
      }
    }
    throw Failures.of(FailureType.UNAVAILABLE, "could not rename " + a + " and " + b + " ("
        + last.getMessage() + "); both renames were rolled back, so " + a + " is unchanged: close"
        + " the sessions on the database named and retry");
  }

  private static String rename(String from, String to) {
    return "ALTER DATABASE " + PgNames.ident(from) + " RENAME TO " + PgNames.ident(to);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
