package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.Heartbeat;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.RetentionActivities;
import dev.runbook.workflows.policy.Durations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention on the worker that holds the backups and the database credentials: for each database
 * its expired backups and unfinished attempts' files ({@link BackupStore#expired}), its expired
 * safety copies except the newest and those of runs still going, the staging databases of runs
 * that ended or no longer exist ({@link RunLiveness}), and lock files nothing holds. Each removal
 * is recorded in the rollback log under the request's key; a retry reports those with what it
 * removes itself, so the report does not depend on how often it ran. A dry run reads the same and
 * changes nothing, the rollback log included.
 */
public final class RetentionActivitiesImpl implements RetentionActivities {
  private static final Logger log = LoggerFactory.getLogger(RetentionActivitiesImpl.class);

  private final DatabaseActivitiesImpl databases;
  private final RetentionRecords records;
  private final BackupCatalog catalog;
  private final RunLiveness liveness;
  private final Clock clock;

  /**
   * @param databases the configured databases (their settings, servers and backup stores)
   * @param liveness tells whether the run a copy belongs to goes on
   */
  public RetentionActivitiesImpl(DatabaseActivitiesImpl databases, RunLiveness liveness, Clock clock) {
    this.databases = databases;
    this.catalog = databases.catalog();
    this.records = new RetentionRecords(catalog.dataSource());
    this.liveness = liveness;
    this.clock = clock;
  }

  @Override
  public PruneReport prune(PruneRequest r) {
    if (r.key() == null || r.key().isBlank() || r.key().length() > 500) {
      throw Failures.of(FailureType.INVALID_INPUT, "the idempotency key is missing or longer than 500 characters:"
          + " pass the workflow ID and step, e.g. cleanup-shop-1a2b3c4d/prune");
    }
    List<ConfiguredDatabase> targets = r.database() == null ? databases.all() : List.of(databases.configured(r.database()));
    Pass pass = new Pass(r.key(), r.dryRun(), RetentionRecords.Origin.current(), new ArrayList<>(r.dryRun() ? List.of() : records.removals(r.key())),
        new ArrayList<>(), new ArrayList<>(), Heartbeat.current());
    for (ConfiguredDatabase db : targets) {
      backups(db, pass);
      // The staged copies of an engine: command database are the engine's own (its swap template
      // names them); retention leaves them to the engine's tools and prunes its files only.
      List<ServerCopies.Copy> copies = db.settings().commandEngine() ? List.of() : ServerCopies.find(db);
      safetyCopies(db, copies, pass);
      stagingDatabases(db, copies, pass);
      lockFiles(db, pass);
    }
    return new PruneReport(List.copyOf(pass.removed()), List.copyOf(pass.kept()), List.copyOf(pass.planned()));
  }

  /** What one prune collects as it goes. */
  private record Pass(String key, boolean dryRun, RetentionRecords.Origin origin, List<Removal> removed,
      List<Kept> kept, List<String> planned, Heartbeat heartbeat) {}

  private void backups(ConfiguredDatabase db, Pass pass) {
    for (BackupStore.Expired e : db.store().expired(db.name(), db.settings().retention())) {
      Path dir = e.entry().path();
      remove(pass, Leftover.BACKUP, db, e.entry().backupId(), e.why(), dir, "rm -r " + dir, () -> {
        BackupFiles.deleteTree(dir);
        catalog.removed(dir, clock.instant());
        return true;
      });
    }
  }

  private void safetyCopies(ConfiguredDatabase db, List<ServerCopies.Copy> copies, Pass pass) {
    Instant now = clock.instant();
    Map<String, RetentionRecords.Made> made = records.safetyCopies(db.name());
    record Dated(ServerCopies.Copy copy, RetentionRecords.Made made) {}
    List<Dated> dated = new ArrayList<>();
    for (ServerCopies.Copy c : copies) {
      if (!c.safety()) {
        continue;
      }
      RetentionRecords.Made m = made.get(c.name());
      if (m == null) {
        // Made before swaps recorded their copies, or by hand: its age counts from now.
        m = new RetentionRecords.Made(now, false);
        if (!pass.dryRun()) {
          records.safetyCopy(db.name(), c.name(), db.live(), c.runTag(), pass.origin(), now, "cleanup");
        }
      }
      dated.add(new Dated(c, m));
    }
    dated.sort(Comparator.comparing((Dated d) -> d.made().at()).reversed().thenComparing(d -> d.copy().name()));
    Duration keep = db.settings().safetyCopies().keep();
    for (int i = 0; i < dated.size(); i++) {
      Dated d = dated.get(i);
      if (d.made().at().plus(keep).isAfter(now)) {
        continue;
      }
      String age = (d.made().bySwap() ? "swapped out " : "first seen ")
          + Durations.human(Duration.between(d.made().at(), now).withNanos(0)) + " ago";
      String name = d.copy().name();
      if (i == 0) {
        pass.kept().add(new Kept(Leftover.SAFETY_COPY, db.name(), name, "the newest safety copy is always kept ("
            + age + "; keep " + Durations.human(keep) + ")"));
        continue;
      }
      RunLiveness.Run run = liveness.of(d.copy().runTag());
      if (run.state() == RunLiveness.State.RUNNING) {
        pass.kept().add(new Kept(Leftover.SAFETY_COPY, db.name(), name, run.description() + " and may swap it back"));
        continue;
      }
      remove(pass, Leftover.SAFETY_COPY, db, name, "kept " + Durations.human(keep) + "; " + age, null,
          PgClient.dropSql(name), () -> {
            boolean dropped = ServerCopies.drop(db, name);
            records.safetyCopyDropped(db.name(), name, clock.instant(), pass.origin().workflowId());
            return dropped;
          });
    }
  }

  private void stagingDatabases(ConfiguredDatabase db, List<ServerCopies.Copy> copies, Pass pass) {
    for (ServerCopies.Copy c : copies) {
      if (c.safety()) {
        continue;
      }
      RunLiveness.Run run = liveness.of(c.runTag());
      switch (run.state()) {
        case RUNNING -> pass.kept().add(new Kept(Leftover.STAGING_DATABASE, db.name(), c.name(), run.description()));
        case UNKNOWN -> pass.kept().add(new Kept(Leftover.STAGING_DATABASE, db.name(), c.name(), run.description()
            + ": drop it by hand once you know nothing uses it"));
        default -> remove(pass, Leftover.STAGING_DATABASE, db, c.name(), run.description(), null,
            PgClient.dropSql(c.name()), () -> ServerCopies.drop(db, c.name()));
      }
    }
  }

  private void lockFiles(ConfiguredDatabase db, Pass pass) {
    for (String id : db.store().staleLocks(db.name())) {
      Path file = db.store().lockFile(db.name(), id);
      remove(pass, Leftover.LOCK_FILE, db, file.getFileName().toString(),
          "nothing holds it and no attempt takes it again (backup " + id + " is complete or gone)", file,
          "rm " + file, () -> db.store().removeLock(db.name(), id));
    }
  }

  /**
   * Removes one leftover and records it, or in a dry run plans it.
   *
   * @param action does the removal; false when it turned out not to be there (or held)
   */
  private void remove(Pass pass, Leftover kind, ConfiguredDatabase db, String name, String why, Path location,
      String command, BooleanSupplier action) {
    pass.heartbeat().beat(kind.label() + " " + name);
    if (pass.dryRun()) {
      pass.removed().add(new Removal(kind, db.name(), name, why, null));
      pass.planned().add(command);
      return;
    }
    if (!action.getAsBoolean()) {
      return;
    }
    Removal done = new Removal(kind, db.name(), name, why, clock.instant());
    records.removal(pass.key(), done, location == null ? null : location.toString(), pass.origin());
    pass.removed().add(done);
    log.info("retention removed {} {} of {}: {}", kind.label(), name, db.name(), why);
  }
}
