package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table without a key measured again by the rows written since the last measurement ({@link
 * KeylessRows}), on a real database, through a run's sequence of measurements: before the
 * approval, a catch-up while the writers write, the final one, and the same again. Each result is
 * checked against both tables read independently, and the salvage script is run after the swap.
 */
class KeylessSinceTest {
  private static final String SINCE = "only the rows written since the last measurement hashed";

  @TempDir Path backups;

  @Test
  void theFinalMeasurementHashesOnlyTheRowsWrittenSinceTheLastOne() throws Exception {
    String db = TestPostgres.freshDatabase("since");
    DatabaseActivitiesImpl adapter = prepared(db);
    measure(adapter, false);
    try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("insert into log values ('x', 1, '2026-03-01 00:00+00'), ('w', 5, '2026-02-01 00:05+00')");
      s.execute("insert into log values ('a', 1, '2026-01-01 00:00+00')"); // a fourth copy of a backed-up row
      s.execute("savepoint kept");
      s.execute("insert into log values ('in a savepoint', 1, null)");
      s.execute("release savepoint kept");
      s.execute("savepoint undone");
      s.execute("insert into log values ('rolled back', 1, null)");
      s.execute("rollback to savepoint undone");
      c.commit();
    }

    DiscardReport last = measure(adapter, true);

    assertThat(last.planned()).anySatisfy(p -> assertThat(p).contains("public.log", SINCE));
    assertMatchesAndRestores(adapter, db, last);
  }

  @ParameterizedTest
  @ValueSource(strings = {"delete from log where kind = 'w' and n = 7", "update log set n = 0 where kind = 'w' and n = 8",
      "delete from log where kind = 'a'", "truncate log"})
  void aSettledRowDeletedOrUpdatedSinceMakesItCompareTheWholeTable(String change) throws Exception {
    String db = TestPostgres.freshDatabase("sincegone");
    DatabaseActivitiesImpl adapter = prepared(db);
    measure(adapter, false);
    TestPostgres.execute(db, change, "insert into log values ('after', 1, null)");

    DiscardReport last = measure(adapter, true);

    assertThat(last.planned()).noneSatisfy(p -> assertThat(p).contains(SINCE));
    assertThat(last.planned()).anySatisfy(p -> assertThat(p).startsWith("-- public.log: by whole row"));
    assertMatchesAndRestores(adapter, db, last);
  }

  @Test
  void aRowsFileThatIsGoneMakesItCompareTheWholeTable() throws Exception {
    String db = TestPostgres.freshDatabase("sincelost");
    DatabaseActivitiesImpl adapter = prepared(db);
    DiscardReport first = measure(adapter, false);
    try (Stream<Path> files = Files.list(Path.of(first.salvage()))) {
      List<Path> rows = files.filter(p -> p.toString().endsWith("-rows.tsv")).toList();
      assertThat(rows).hasSize(1);
      Files.delete(rows.get(0));
    }
    TestPostgres.execute(db, "insert into log values ('after', 1, null)");

    DiscardReport last = measure(adapter, true);

    assertThat(last.planned()).noneSatisfy(p -> assertThat(p).contains(SINCE));
    assertMatchesAndRestores(adapter, db, last);
  }

  @Test
  void aCatchUpWhileTheWritersWriteThenTheFinalOneTwiceEachBuildOnTheOneBefore() throws Exception {
    String db = TestPostgres.freshDatabase("sincechain");
    DatabaseActivitiesImpl adapter = prepared(db);
    measure(adapter, false);
    TestPostgres.execute(db, "insert into log select 'y', g, null from generate_series(1, 50) g",
        "insert into log values ('a', 1, '2026-01-01 00:00+00')");
    DiscardReport catchUp = measure(adapter, false);
    assertThat(catchUp.planned()).anySatisfy(p -> assertThat(p).contains(SINCE));
    assertThat(table(catchUp).inserted()).isEqualTo(expected(db)[0]);
    TestPostgres.execute(db, "delete from log where kind = 'y' and n > 40", // settled at the catch-up: whole again
        "insert into log values ('z', 1, null)");
    TestPostgres.execute(db, "insert into log values ('z', 2, null)");

    DiscardReport last = measure(adapter, true);
    DiscardReport again = measure(adapter, true);

    assertThat(last.planned()).noneSatisfy(p -> assertThat(p).contains(SINCE));
    assertThat(again.tables()).isEqualTo(last.tables());
    TestPostgres.execute(db, "insert into log values ('z', 3, '2026-04-01 00:00+00')");
    DiscardReport third = measure(adapter, true);
    assertThat(third.planned()).anySatisfy(p -> assertThat(p).contains(SINCE));
    assertThat(table(third).newestChange()).isEqualTo(java.time.Instant.parse("2026-04-01T00:00:00Z"));
    assertMatchesAndRestores(adapter, db, third);
  }

  @Test
  void rowsOfATransactionStillOpenAtTheMeasurementCountOnceItCommits() throws Exception {
    String db = TestPostgres.freshDatabase("sinceopen");
    DatabaseActivitiesImpl adapter = prepared(db);
    try (Connection open = TestPostgres.connect(db); Statement s = open.createStatement()) {
      open.setAutoCommit(false);
      s.execute("insert into log values ('open', 1, null)"); // holds the snapshot's oldest running transaction
      TestPostgres.execute(db, "insert into log values ('committed while open', 1, null)");
      DiscardReport first = measure(adapter, false);
      assertThat(table(first).inserted()).isEqualTo(expected(db)[0]);
      s.execute("savepoint sp");
      s.execute("insert into log values ('open', 2, null)");
      s.execute("release savepoint sp");
      open.commit();
    }

    DiscardReport last = measure(adapter, true);

    assertThat(last.planned()).anySatisfy(p -> assertThat(p).contains(SINCE));
    assertMatchesAndRestores(adapter, db, last);
  }

  @Test
  void aSnapshotTellsSettledRowsAcrossATransactionIdEpoch() throws Exception {
    long epoch = 1L << 32;
    XidSnapshot earlier = XidSnapshot.parse((epoch + 50) + ":" + (epoch + 60) + ":" + (epoch + 55));
    XidSnapshot now = new XidSnapshot(epoch + 90, epoch + 100);
    assertThat(earlier).isEqualTo(new XidSnapshot(epoch + 50, epoch + 60));
    assertThat(XidSnapshot.parse(earlier.text())).isEqualTo(earlier);
    try (Connection c = TestPostgres.connect("postgres"); Statement s = c.createStatement()) {
      for (var x : List.of(List.of("40", "t"), List.of("49", "t"), List.of("50", "f"), List.of("99", "f"),
          List.of("100", "f"), List.of("4294967200", "t"), List.of("2", "t"))) {
        try (ResultSet rs = s.executeQuery("select " + now.settledIn(earlier, "t") + " from (select '" + x.get(0)
            + "'::xid as xmin) t")) {
          rs.next();
          assertThat(rs.getString(1)).as("xmin " + x.get(0)).isEqualTo(x.get(1));
        }
      }
    }
  }

  /** The database at backup time (a table without a key, two copies of one row), the backup, writes after it, staged as r1. */
  private DatabaseActivitiesImpl prepared(String db) {
    TestPostgres.execute(db, "create table log (kind text, n int, created_at timestamptz)",
        "insert into log values ('a', 1, '2026-01-01 00:00+00'), ('a', 1, '2026-01-01 00:00+00'), ('b', 2, null)",
        "create table accounts (id int primary key, balance int)",
        "insert into accounts select g, 0 from generate_series(1, 10) g");
    DatabaseActivitiesImpl adapter = Fixtures.adapter(Fixtures.settings(db, null), backups);
    String id = adapter.backup(new BackupRequest(NAME, "k", false)).backupId();
    TestPostgres.execute(db,
        "insert into log select 'w', g, '2026-02-01 00:00+00'::timestamptz + g * interval '1 min'"
            + " from generate_series(1, 20) g",
        "insert into log values ('a', 1, '2026-01-01 00:00+00')",
        "delete from log where kind = 'b'",
        "update accounts set balance = 5 where id = 1");
    adapter.restoreStaged(new StagedRestoreRequest(NAME, id, "r1", "k", false));
    return adapter;
  }

  private static DiscardReport measure(DatabaseActivitiesImpl adapter, boolean writersStopped) {
    return adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, writersStopped));
  }

  private static TableDiscard table(DiscardReport report) {
    return report.tables().stream().filter(t -> t.table().equals("public.log")).findFirst().orElseThrow();
  }

  private static long[] expected(String db) {
    return TableRows.rowDifference(TableRows.multiset(db, "log"), TableRows.multiset(db + "__rb_r1", "log"));
  }

  /** The report's counts are the tables' own, and its script puts every row back after the swap. */
  private static void assertMatchesAndRestores(DatabaseActivitiesImpl adapter, String db, DiscardReport report)
      throws Exception {
    TableDiscard log = table(report);
    long[] expected = expected(db);
    assertThat(new long[] {log.inserted(), log.deleted()}).containsExactly(expected);
    assertThat(expected[0]).isPositive();
    assertThat(Path.of(report.salvage()).resolve("state.json")).satisfies(p -> assertThat(Files.readString(p))
        .contains("-rows.tsv"));
    var live = TableRows.multiset(db, "log");
    adapter.swap(new SwapRequest(NAME, "r1", "k", false));
    assertThat(TableRows.multiset(db, "log")).isNotEqualTo(live);
    DiscardTest.applyScript(report.script(), db);
    assertThat(TableRows.multiset(db, "log")).isEqualTo(live);
    assertThat(TableRows.multiset(db, "accounts")).isEqualTo(TableRows.multiset(db + "__before_r1", "accounts"));
  }
}
