package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup of a database over 200 MB, run as an activity in {@link TestActivityEnvironment}: the
 * heartbeats carry growing progress, and a cancel after the first progress heartbeat kills
 * pg_dump (and its parallel workers) and leaves no partial backup; a cancelled staged restore
 * kills pg_restore and drops the half-restored database. Deliberately heavy: 10 to 20 seconds to
 * generate the data, about 10 seconds per full dump.
 */
class LargeBackupTest {
  private static final Logger log = LoggerFactory.getLogger(LargeBackupTest.class);
  private static final long MIN_SIZE = 200L * 1024 * 1024;
  private static String db;

  @TempDir Path backups;
  private TestActivityEnvironment env;
  private DatabaseActivities activities;
  private final List<Progress> beats = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void generate() {
    long started = System.nanoTime();
    db = TestPostgres.freshDatabase("large");
    // Random hex compresses about 2:1, so the dump stays large and takes a while to write.
    String row = "md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text)"
        + " || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text)";
    for (String table : List.of("events_a", "events_b")) {
      TestPostgres.execute(db,
          "create table " + table + " (id bigint primary key, payload text not null)",
          "insert into " + table + " select g, " + row + " from generate_series(1, 420000) g");
    }
    log.info("generated {} MB in {} s", size(db) / (1024 * 1024), (System.nanoTime() - started) / 1_000_000_000);
  }

  @BeforeEach
  void activityEnvironment() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(Fixtures.adapter(Fixtures.settings(db, null), backups));
    activities = env.newActivityStub(DatabaseActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(10))
        .setHeartbeatTimeout(Duration.ofSeconds(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void theHeartbeatsShowTheDumpGrowing() {
    assertThat(size(db)).isGreaterThan(MIN_SIZE);
    env.setActivityHeartbeatListener(Progress.class, beats::add);
    long started = System.nanoTime();

    BackupResult r = activities.backup(new BackupRequest(NAME, "large/backup", false));

    log.info("backed up {} MB in {} ms with {} heartbeats", r.sizeBytes() / (1024 * 1024),
        (System.nanoTime() - started) / 1_000_000, beats.size());
    List<Long> dump = beats.stream().filter(b -> b.phase().equals("dump")).map(Progress::bytes).toList();
    assertThat(dump.stream().filter(b -> b > 0).distinct()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(dump).isSorted();
    assertThat(dump.get(dump.size() - 1)).isLessThanOrEqualTo(r.sizeBytes());
    assertThat(r.sizeBytes()).isGreaterThan(50L * 1024 * 1024);
  }

  @Test
  void cancellingAfterTheFirstProgressKillsPgDumpAndLeavesNoPartialBackup() throws Exception {
    AtomicLong processesAtCancel = new AtomicLong(-1);
    AtomicLong sessionsAtCancel = new AtomicLong(-1);
    env.setActivityHeartbeatListener(Progress.class, p -> {
      beats.add(p);
      if (p.phase().equals("dump") && p.bytes() > 0 && processesAtCancel.get() < 0) {
        // What the checks below look for, seen while pg_dump runs: they are not vacuous.
        processesAtCancel.set(pgDumpsWritingInto(backups));
        sessionsAtCancel.set(dumpSessions());
        env.requestCancelActivity();
      }
    });
    long started = System.nanoTime();

    Throwable thrown = catchThrowable(() -> activities.backup(new BackupRequest(NAME, "large/cancelled", false)));

    log.info("cancelled after {} ms", (System.nanoTime() - started) / 1_000_000);
    assertThat(thrown).isInstanceOf(CanceledFailure.class);
    assertThat(beats).anySatisfy(b -> assertThat(b.bytes()).isPositive());
    assertThat(beats).noneSatisfy(b -> assertThat(b.phase()).isEqualTo("checksum"));
    assertThat(processesAtCancel.get()).as("pg_dump leader and its 2 workers").isGreaterThanOrEqualTo(3);
    assertThat(sessionsAtCancel.get()).isGreaterThanOrEqualTo(3);
    assertThat(eventually(() -> pgDumpsWritingInto(backups))).isZero();
    assertThat(eventually(LargeBackupTest::dumpSessions)).isZero();
    try (Stream<Path> left = Files.list(backups.resolve(NAME))) {
      assertThat(left.filter(Files::isDirectory)).isEmpty();
    }
  }

  @Test
  void cancellingAStagedRestoreKillsPgRestoreAndDropsTheHalfRestoredDatabase() throws Exception {
    String id = Fixtures.adapter(Fixtures.settings(db, null), backups)
        .backup(new BackupRequest(NAME, "large/for-restore", false)).backupId();
    AtomicLong processesAtCancel = new AtomicLong(-1);
    env.setActivityHeartbeatListener(Progress.class, p -> {
      beats.add(p);
      if (p.phase().equals("restore") && p.bytes() > 0 && processesAtCancel.get() < 0) {
        processesAtCancel.set(tool("pg_restore", backups));
        env.requestCancelActivity();
      }
    });

    Throwable thrown = catchThrowable(() -> activities.restoreStaged(
        new StagedRestoreRequest(NAME, id, "big", "large/restore", false)));

    assertThat(thrown).isInstanceOf(CanceledFailure.class);
    assertThat(processesAtCancel.get()).isGreaterThanOrEqualTo(1);
    assertThat(eventually(() -> tool("pg_restore", backups))).isZero();
    assertThat(Fixtures.exists(db + "__rb_big")).isFalse();
  }

  /** pg_dump processes (the leader and its parallel workers) whose command line names our dir. */
  private static long pgDumpsWritingInto(Path dir) {
    return tool("pg_dump", dir);
  }

  private static long tool(String name, Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(name) && c.contains(dir.toString())).orElse(false))
        .count();
  }

  /** Sessions pg_dump holds on the database (pg_dump names them after PGAPPNAME). */
  private static long dumpSessions() {
    try (Connection c = TestPostgres.connect("postgres");
        PreparedStatement ps = c.prepareStatement(
            "select count(*) from pg_stat_activity where datname = ? and application_name = 'runbook'")) {
      ps.setString(1, db);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A count that should drop to zero: killed processes take a moment to go. */
  private static long eventually(java.util.function.LongSupplier count) throws InterruptedException {
    long n = count.getAsLong();
    for (int i = 0; i < 50 && n > 0; i++) {
      Thread.sleep(100);
      n = count.getAsLong();
    }
    return n;
  }

  private static long size(String database) {
    try (Connection c = TestPostgres.connect(database);
        ResultSet rs = c.createStatement().executeQuery("select pg_database_size(current_database())")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
