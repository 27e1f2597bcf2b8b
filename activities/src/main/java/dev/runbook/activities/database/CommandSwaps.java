package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.DatabaseActivities.SwapResult;
import dev.runbook.workflows.activities.FailureType;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of an {@code engine: command} database's staged restore, through its {@code swap},
 * {@code exists} and {@code drop} templates: the staging copy becomes live and the old live one
 * the safety copy, the reverse, and dropping the staging copy. Each call asks which names exist
 * first: that tells whether the work is already done, so a retried swap never swaps back. The
 * swap itself is the template's, as atomic as the engine makes it (MariaDB's RENAME TABLE of
 * several tables is one step).
 */
final class CommandSwaps {
  private static final Logger log = LoggerFactory.getLogger(CommandSwaps.class);

  private final EngineMarkers markers;

  CommandSwaps(EngineMarkers markers) {
    this.markers = markers;
  }

  SwapResult swap(ConfiguredDatabase db, String runTag, boolean dryRun) {
    CommandEngine engine = db.command();
    String live = db.live();
    String staging = PgNames.staging(live, runTag);
    String safety = PgNames.safety(live, runTag);
    List<String> planned = List.of(engine.swapPlan(live, staging, safety));
    boolean stagingExists = engine.exists(staging);
    boolean safetyExists = engine.exists(safety);
    boolean liveExists = engine.exists(live);
    if (!stagingExists) {
      if (safetyExists && liveExists) {
        return new SwapResult(db.name(), live, safety, false, List.of()); // done by an earlier attempt
      }
      throw Failures.of(FailureType.UNKNOWN_DATABASE, "there is no staging database " + staging
          + " for run " + runTag + ": restore a backup into it first (restoreStaged)");
    }
    Optional<String> restored = markers.get(db.name(), staging);
    if (restored.isEmpty() || !restored.get().startsWith("runbook: restore of backup ")) {
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
    engine.swap(live, staging, safety);
    requireSwapped(db, engine, staging, safety, live);
    log.info("swapped {} in as {}; the old one is kept as {}", staging, live, safety);
    return new SwapResult(db.name(), live, safety, true, planned);
  }

  SwapResult swapBack(ConfiguredDatabase db, String runTag, boolean dryRun) {
    CommandEngine engine = db.command();
    String live = db.live();
    String staging = PgNames.staging(live, runTag);
    String safety = PgNames.safety(live, runTag);
    if (!engine.exists(safety)) {
      return new SwapResult(db.name(), live, null, false, List.of()); // never swapped, or undone
    }
    if (engine.exists(staging)) {
      throw Failures.of(FailureType.INVALID_INPUT, "both " + staging + " and " + safety + " exist,"
          + " so the restored copy cannot take the staging name back: drop " + staging
          + " (dropStaging) and swap back again");
    }
    if (!engine.exists(live)) {
      throw Failures.of(FailureType.UNKNOWN_DATABASE, "the live database " + live + " does not exist, so"
          + " nothing can swap with the safety copy " + safety + ": bring " + safety + " back as " + live
          + " with the engine's own tools");
    }
    // The same template with the roles turned: the safety copy comes in, the restored one goes
    // back to the staging name.
    List<String> planned = List.of(engine.swapPlan(live, safety, staging));
    if (dryRun) {
      return new SwapResult(db.name(), live, null, false, planned);
    }
    engine.swap(live, safety, staging);
    requireSwapped(db, engine, safety, staging, live);
    log.info("swapped {} back in as {}; the restored copy is {} again", safety, live, staging);
    return new SwapResult(db.name(), live, null, true, planned);
  }

  SwapResult dropStaging(ConfiguredDatabase db, String runTag, boolean dryRun) {
    CommandEngine engine = db.command();
    String live = db.live();
    String staging = PgNames.staging(live, runTag);
    String safety = PgNames.safety(live, runTag);
    if (staging.equals(live) || staging.equals(safety)) {
      throw Failures.of(FailureType.INVALID_INPUT, "refusing to drop " + staging + ": it is not a"
          + " staging database");
    }
    String kept = engine.exists(safety) ? safety : null;
    if (!engine.exists(staging)) {
      if (!dryRun) {
        markers.remove(db.name(), staging);
      }
      return new SwapResult(db.name(), live, kept, false, List.of());
    }
    List<String> planned = List.of(engine.dropPlan(staging));
    if (dryRun) {
      return new SwapResult(db.name(), live, kept, false, planned);
    }
    engine.drop(staging);
    markers.remove(db.name(), staging);
    return new SwapResult(db.name(), live, kept, true, planned);
  }

  /** After a swap the copy that came in is gone under its old name and the old live one is kept. */
  private static void requireSwapped(ConfiguredDatabase db, CommandEngine engine, String cameIn, String kept, String live) {
    if (engine.exists(cameIn) || !engine.exists(kept) || !engine.exists(live)) {
      throw Failures.of(FailureType.INVALID_INPUT, "databases." + db.name() + ".command.swap exited 0, but "
          + cameIn + (engine.exists(cameIn) ? " still exists" : " is gone") + ", " + kept
          + (engine.exists(kept) ? " exists" : " does not exist") + " and " + live
          + (engine.exists(live) ? " exists" : " does not exist") + ": a swap must leave " + live + " and " + kept
          + " and no " + cameIn + "; check the template and the databases by hand");
    }
  }
}
