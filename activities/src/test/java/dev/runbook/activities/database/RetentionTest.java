package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.exists;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.RetentionActivities.Kept;
import dev.runbook.workflows.activities.RetentionActivities.Leftover;
import dev.runbook.workflows.activities.RetentionActivities.PruneReport;
import dev.runbook.workflows.activities.RetentionActivities.PruneRequest;
import dev.runbook.workflows.activities.RetentionActivities.Removal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on the real PostgreSQL server and disk: safety copies made by real staged swaps go
 * when they expire, except the newest; staging databases of runs that ended go, those of runs
 * that go on stay; expired backups and lock files nothing holds go; every removal is recorded. A
 * dry run changes nothing, and every prune runs twice with the same report.
 */
class RetentionTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path root;
  private final MovingClock clock = new MovingClock(T0);
  private String db;
  private String backupId;
  private DatabaseActivitiesImpl adapter;

  /** A clock a test moves on. */
  static final class MovingClock extends Clock {
    private Instant now;

    MovingClock(Instant start) {
      this.now = start;
    }

    void set(Instant at) {
      now = at;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @BeforeEach
  void database() {
    db = TestPostgres.freshDatabase("retention");
    TestPostgres.execute(db, "create table orders (id int primary key)", "insert into orders values (1), (2)");
    adapter = adapter(null);
    backupId = adapter.backup(new BackupRequest(NAME, "retention/setup", false)).backupId();
  }

  private DatabaseActivitiesImpl adapter(BackupRetention backups) {
    var s = Fixtures.settings(db, null);
    var settings = new DatabaseSettings(s.host(), s.port(), s.database(), s.user(), s.password(), null, null, 2, null,
        null, null, null, null, null, backups, null, null, null, new SafetyCopyRetention(Duration.ofDays(7)), null);
    return new DatabaseActivitiesImpl(Map.of(NAME, settings), root, root, clock, Fixtures.catalog());
  }

  /** What a run with this tag leaves after a staged swap: the old live database as its safety copy. */
  private String swapAt(Instant at, String tag) {
    clock.set(at);
    adapter.restoreStaged(new StagedRestoreRequest(NAME, backupId, tag, "k/" + tag, false));
    return adapter.swap(new SwapRequest(NAME, tag, "k/" + tag, false)).safetyName();
  }

  private RetentionActivitiesImpl retention(RunLiveness liveness) {
    return new RetentionActivitiesImpl(adapter, liveness, clock);
  }

  /** No run of these tags is in the rollback log. */
  private static final RunLiveness NO_RUNS = tag -> new RunLiveness.Run(RunLiveness.State.UNKNOWN, null,
      "no run with the tag " + tag + " is in the rollback log");

  private static List<String> names(List<Removal> removed) {
    return removed.stream().map(Removal::name).toList();
  }

  /** The removals of one kind (the backup's lock file goes in every test too: nothing holds it). */
  private static List<Removal> of(Leftover kind, List<Removal> removed) {
    return removed.stream().filter(r -> r.kind() == kind).toList();
  }

  @Test
  void expiredSafetyCopiesGoTheNewestStaysEvenExpiredAndADryRunChangesNothing() throws SQLException {
    String oldest = swapAt(T0, "aaaa0001");
    // The swap run again (a retry) changes nothing, and its safety copy keeps the time it was made.
    clock.set(T0.plus(Duration.ofHours(1)));
    assertThat(adapter.swap(new SwapRequest(NAME, "aaaa0001", "k/aaaa0001", false)).changed()).isFalse();
    assertThat(count("select count(*) from safety_copies where physical_name = '" + oldest + "' and recorded_by = 'swap'"
        + " and created_at = '" + T0 + "'")).isEqualTo(1);
    String middle = swapAt(T0.plus(Duration.ofDays(2)), "aaaa0002");
    String newest = swapAt(T0.plus(Duration.ofDays(9)), "aaaa0003");
    clock.set(T0.plus(Duration.ofDays(10)));
    var retention = retention(NO_RUNS);

    PruneReport dry = retention.prune(new PruneRequest(NAME, "cleanup-shop-00000001/prune", true));
    assertThat(retention.prune(new PruneRequest(NAME, "cleanup-shop-00000001/prune", true))).isEqualTo(dry);
    List<Removal> copies = of(Leftover.SAFETY_COPY, dry.removed());
    assertThat(names(copies)).containsExactly(middle, oldest);
    assertThat(dry.removed()).allSatisfy(r -> assertThat(r.at()).isNull());
    assertThat(copies.get(0).why()).isEqualTo("kept 7d; swapped out 8d ago");
    assertThat(copies.get(1).why()).isEqualTo("kept 7d; swapped out 10d ago");
    assertThat(dry.planned()).contains("DROP DATABASE IF EXISTS \"" + middle + "\"",
        "DROP DATABASE IF EXISTS \"" + oldest + "\"");
    assertThat(dry.kept()).isEmpty();
    assertThat(List.of(oldest, middle, newest, db)).allSatisfy(n -> assertThat(exists(n)).as(n).isTrue());
    assertThat(count("select count(*) from removals")).isZero();

    PruneReport real = retention.prune(new PruneRequest(NAME, "cleanup-shop-00000002/prune", false));
    assertThat(names(of(Leftover.SAFETY_COPY, real.removed()))).containsExactly(middle, oldest);
    assertThat(real.removed()).extracting(Removal::at).containsOnly(clock.instant());
    assertThat(exists(oldest)).isFalse();
    assertThat(exists(middle)).isFalse();
    assertThat(exists(newest)).isTrue();
    assertThat(exists(db)).isTrue();
    // Run again under the same key: the same report, nothing more removed, each removal recorded once.
    assertThat(retention.prune(new PruneRequest(NAME, "cleanup-shop-00000002/prune", false))).isEqualTo(real);
    assertThat(count("select count(*) from removals where idempotency_key = 'cleanup-shop-00000002/prune'"
        + " and kind = 'SAFETY_COPY'")).isEqualTo(2);
    assertThat(count("select count(*) from safety_copies where database = '" + NAME + "' and physical_name = '"
        + oldest + "' and dropped_at is not null")).isEqualTo(1);

    // Long after: the last one left is expired too, and it is the newest: it stays.
    clock.set(T0.plus(Duration.ofDays(60)));
    PruneReport later = retention.prune(new PruneRequest(NAME, "cleanup-shop-00000003/prune", false));
    assertThat(later.removed()).isEmpty();
    assertThat(later.kept()).containsExactly(new Kept(Leftover.SAFETY_COPY, NAME, newest,
        "the newest safety copy is always kept (swapped out 51d ago; keep 7d)"));
    assertThat(exists(newest)).isTrue();
  }

  @Test
  void aSafetyCopyWhoseRunGoesOnStaysAndOneNeverRecordedCountsFromWhenItIsFirstSeen() {
    String ofLiveRun = swapAt(T0, "bbbb0001");
    String unrecorded = db + "__before_cccc0001"; // made by hand, or before swaps recorded their copies
    TestPostgres.server().createDatabase(unrecorded);
    clock.set(T0.plus(Duration.ofDays(20)));
    RunLiveness liveness = tag -> tag.equals("bbbb0001")
        ? new RunLiveness.Run(RunLiveness.State.RUNNING, "rollback-shop", "its run rollback-shop still goes on")
        : NO_RUNS.of(tag);

    PruneReport first = retention(liveness).prune(new PruneRequest(NAME, "cleanup-shop-00000004/prune", false));
    assertThat(of(Leftover.SAFETY_COPY, first.removed())).isEmpty();
    assertThat(first.kept()).extracting(Kept::name, Kept::why).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ofLiveRun, "its run rollback-shop still goes on and may swap it back"));
    assertThat(exists(unrecorded)).isTrue();

    String newest = swapAt(T0.plus(Duration.ofDays(25)), "bbbb0003");
    clock.set(T0.plus(Duration.ofDays(29)));
    PruneReport second = retention(liveness).prune(new PruneRequest(NAME, "cleanup-shop-00000005/prune", false));
    assertThat(of(Leftover.SAFETY_COPY, second.removed())).extracting(Removal::name, Removal::why).containsExactly(
        org.assertj.core.groups.Tuple.tuple(unrecorded, "kept 7d; first seen 9d ago"));
    assertThat(exists(unrecorded)).isFalse();
    assertThat(exists(ofLiveRun)).isTrue();
    assertThat(exists(newest)).isTrue();
  }

  @Test
  void stagingDatabasesOfRunsThatEndedOrVanishedGoThoseOfRunsGoingOnOrUnknownStay() throws SQLException {
    run("rollback-shop", "00000000-0000-0000-0000-0000dddd0001", "succeeded");
    run("rollback-shop", "00000000-0000-0000-0000-0000dddd0002", null);
    run("rollback-shop", "00000000-0000-0000-0000-0000dddd0003", null);
    for (String tag : List.of("dddd0001", "dddd0002", "dddd0003", "eeee0001")) {
      adapter.restoreStaged(new StagedRestoreRequest(NAME, backupId, tag, "k/" + tag, false));
    }
    // The Temporal server still runs dddd0003 and no longer knows dddd0002 (a dev server restarted).
    RunLiveness liveness = new LoggedRunLiveness(Fixtures.catalog().dataSource(),
        (workflowId, runId) -> runId.endsWith("dddd0003") ? Optional.of(true) : Optional.empty());
    var retention = retention(liveness);

    PruneReport dry = retention.prune(new PruneRequest(NAME, "cleanup-shop-00000006/prune", true));
    assertThat(names(of(Leftover.STAGING_DATABASE, dry.removed())))
        .containsExactly(db + "__rb_dddd0001", db + "__rb_dddd0002");
    assertThat(exists(db + "__rb_dddd0001")).isTrue();

    PruneReport real = retention.prune(new PruneRequest(NAME, "cleanup-shop-00000007/prune", false));
    assertThat(of(Leftover.STAGING_DATABASE, real.removed())).extracting(Removal::name, Removal::why).containsExactly(
        org.assertj.core.groups.Tuple.tuple(db + "__rb_dddd0001", "its run rollback-shop ended (succeeded)"),
        org.assertj.core.groups.Tuple.tuple(db + "__rb_dddd0002",
            "its run rollback-shop no longer exists on the Temporal server"));
    assertThat(real.kept()).extracting(Kept::name, Kept::why).containsExactly(
        org.assertj.core.groups.Tuple.tuple(db + "__rb_dddd0003", "its run rollback-shop still goes on"),
        org.assertj.core.groups.Tuple.tuple(db + "__rb_eeee0001", "no run with the tag eeee0001 is in the rollback"
            + " log: drop it by hand once you know nothing uses it"));
    assertThat(exists(db + "__rb_dddd0001")).isFalse();
    assertThat(exists(db + "__rb_dddd0002")).isFalse();
    assertThat(exists(db + "__rb_dddd0003")).isTrue();
    assertThat(exists(db + "__rb_eeee0001")).isTrue();
    assertThat(exists(db)).isTrue();
    assertThat(retention.prune(new PruneRequest(NAME, "cleanup-shop-00000007/prune", false))).isEqualTo(real);
  }

  @Test
  void expiredBackupsAndLockFilesNothingHoldsGoAndTheCatalogMarksTheBackupRemoved() throws Exception {
    var kept = adapter(new BackupRetention(1, null));
    clock.set(T0.plus(Duration.ofHours(1)));
    String newer = kept.backup(new BackupRequest(NAME, "retention/newer", false)).backupId();
    Path store = root.resolve(NAME);
    Files.createDirectories(store.resolve(".tmp-crashed-000000000000/dump"));
    assertThat(Files.exists(store.resolve("." + backupId + ".lock"))).isTrue();
    var retention = new RetentionActivitiesImpl(kept, NO_RUNS, clock);

    PruneReport dry = retention.prune(new PruneRequest(NAME, "cleanup-shop-00000008/prune", true));
    assertThat(dry.removed()).extracting(Removal::kind, Removal::name).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Leftover.BACKUP, ".tmp-crashed-000000000000"),
        org.assertj.core.groups.Tuple.tuple(Leftover.BACKUP, backupId),
        org.assertj.core.groups.Tuple.tuple(Leftover.LOCK_FILE, "." + newer + ".lock"),
        org.assertj.core.groups.Tuple.tuple(Leftover.LOCK_FILE, "." + backupId + ".lock"));
    assertThat(Files.exists(store.resolve(backupId))).isTrue();

    // An attempt holds the newer backup's lock now: its file stays.
    try (BackupStore.Lock held = kept.backupStore(NAME).tryLock(NAME, newer).orElseThrow()) {
      PruneReport real = retention.prune(new PruneRequest(NAME, "cleanup-shop-00000009/prune", false));
      assertThat(real.removed()).extracting(Removal::name, Removal::why).containsExactly(
          org.assertj.core.groups.Tuple.tuple(".tmp-crashed-000000000000",
              "what an attempt that did not finish left (nothing writes it)"),
          org.assertj.core.groups.Tuple.tuple(backupId, "beyond the newest 1"),
          org.assertj.core.groups.Tuple.tuple("." + backupId + ".lock", "nothing holds it and no attempt takes it"
              + " again (backup " + backupId + " is complete or gone)"));
      assertThat(retention.prune(new PruneRequest(NAME, "cleanup-shop-00000009/prune", false))).isEqualTo(real);
    }
    assertThat(Files.exists(store.resolve(backupId))).isFalse();
    assertThat(Files.exists(store.resolve(newer))).isTrue();
    assertThat(Files.exists(store.resolve("." + newer + ".lock"))).isTrue();
    assertThat(Fixtures.rowsUnder(root)).extracting(r -> r.backupId(), r -> r.removedAt() != null).containsExactly(
        org.assertj.core.groups.Tuple.tuple(newer, false), org.assertj.core.groups.Tuple.tuple(backupId, true));

    // Without retention rules only what nobody needs goes: the backups stay.
    var noRules = new RetentionActivitiesImpl(adapter(null), NO_RUNS, clock);
    PruneReport none = noRules.prune(new PruneRequest(NAME, "cleanup-shop-00000010/prune", false));
    assertThat(none.removed()).extracting(Removal::kind).containsExactly(Leftover.LOCK_FILE);
    assertThat(Files.exists(store.resolve(newer))).isTrue();
  }

  /** A run in the rollback log; {@code outcome} null while it has not ended. */
  private static void run(String workflowId, String runId, String outcome) throws SQLException {
    try (Connection c = Fixtures.catalogConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into runs (workflow_id, run_id, runbook, started_at, finished_at, outcome)"
            + " values (?, ?, 'database', now(), case when ? is null then null else now() end, ?)")) {
      ps.setString(1, workflowId);
      ps.setString(2, runId);
      ps.setString(3, outcome);
      ps.setString(4, outcome);
      ps.executeUpdate();
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = Fixtures.catalogConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
