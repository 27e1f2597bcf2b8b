package dev.runbook.activities.database;

import dev.runbook.workflows.activities.DatabaseActivities.RestoreResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores of {@code engine: command} databases: in place with the {@code restore} template, or
 * into this run's staging copy with {@code restoreInto}. Each records the marker a PostgreSQL
 * restore writes as the database's comment in {@link EngineMarkers} instead; a retry that finds
 * its marker (and, for a staging copy, the copy) does nothing, a retry that finds a staging copy
 * without it drops the copy and restores again. Neither starts before the backup is known to hold
 * the target database, or a cross-restore was asked for.
 */
final class CommandRestores {
  private static final Logger log = LoggerFactory.getLogger(CommandRestores.class);

  private final Backups backups;
  private final EngineMarkers markers;

  CommandRestores(Backups backups, EngineMarkers markers) {
    this.backups = backups;
    this.markers = markers;
  }

  RestoreResult staged(
      ConfiguredDatabase db, String backupId, String runTag, String key, boolean crossRestore, boolean dryRun) {
    CommandEngine engine = db.command();
    String staging = PgNames.staging(db.live(), runTag);
    BackupManifest backup = backups.restorable(db, backupId, crossRestore, key);
    Path dump = dump(db, backup);
    String marker = Restores.stagedMarker(backup.backupId());
    // Dry runs read the state too (nothing is written), so the plan is what would run.
    boolean exists = engine.exists(staging);
    Optional<String> existing = markers.get(db.name(), staging);
    if (exists && existing.filter(marker::equals).isPresent()) {
      return new RestoreResult(db.name(), staging, backup.backupId(), false,
          "already restored by an earlier attempt", List.of());
    }
    List<String> planned = new ArrayList<>();
    planned.add(engine.existsPlan(staging));
    if (exists) {
      planned.add(engine.dropPlan(staging)); // an attempt that crashed or restored another backup
    }
    planned.add(engine.restoreIntoPlan(dump, backup.backupId(), staging, key));
    planned.add("record in the rollback log: " + staging + ": " + marker);
    if (dryRun) {
      return new RestoreResult(db.name(), staging, backup.backupId(), false, "dry run", planned);
    }
    markers.remove(db.name(), staging);
    if (exists) {
      engine.drop(staging);
    }
    try {
      engine.restoreInto(dump, backup.backupId(), staging, key);
    } catch (RuntimeException | Error e) {
      dropQuietly(engine, staging);
      throw e;
    }
    markers.put(db.name(), staging, marker);
    log.info("restored backup {} of {} into {}", backup.backupId(), db.name(), staging);
    return new RestoreResult(db.name(), staging, backup.backupId(), true, "restored into " + staging, planned);
  }

  RestoreResult inPlace(ConfiguredDatabase db, String backupId, String key, boolean crossRestore, boolean dryRun) {
    CommandEngine engine = db.command();
    String live = db.live();
    BackupManifest backup = backups.restorable(db, backupId, crossRestore, key);
    Path dump = dump(db, backup);
    String marker = Restores.inPlaceMarker(backup.backupId(), key);
    List<String> planned = new ArrayList<>(engine.restorePlan(dump, backup.backupId(), key));
    planned.add("record in the rollback log: " + live + ": " + marker);
    if (dryRun) {
      return new RestoreResult(db.name(), live, backup.backupId(), false, "dry run", planned);
    }
    if (markers.get(db.name(), live).filter(marker::equals).isPresent()) {
      return new RestoreResult(db.name(), live, backup.backupId(), false,
          "already restored by an earlier attempt", List.of());
    }
    Heartbeat.current().phase("restore");
    engine.restore(dump, backup.backupId(), key);
    markers.put(db.name(), live, marker);
    log.info("restored backup {} of {} in place", backup.backupId(), db.name());
    return new RestoreResult(db.name(), live, backup.backupId(), true, "restored in place", planned);
  }

  private static Path dump(ConfiguredDatabase db, BackupManifest backup) {
    return db.store().backupDir(db.name(), backup.backupId()).resolve(BackupStore.DUMP);
  }

  private static void dropQuietly(CommandEngine engine, String staging) {
    try {
      if (engine.exists(staging)) {
        engine.drop(staging);
      }
    } catch (RuntimeException e) {
      log.warn("could not drop the partial restore {}: {}", staging, e.getMessage());
    }
  }
}
