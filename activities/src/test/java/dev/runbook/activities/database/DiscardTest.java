package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.NAME;
import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.Secret;
import dev.runbook.activities.support.TestMariaDb;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restore discards, measured on real databases: a table with a key and updated_at, one
 * without a key, one with a composite key and hostile names, a table new since the backup and
 * one dropped; the expected counts are read from both databases by the test itself, and the
 * salvage script runs in a real psql against the restored database.
 */
class DiscardTest {
  private static final String ITEMS = "\"we\"\"ird sch\".\"Line Items; --\"";
  private static final String HOSTILE = "E'it''s \"q\"\\n\\\\N back\\\\slash \u00fc \uD83D\uDE00 $$ \\\\. --'";

  @TempDir Path backups;

  @Test
  void countsWhatABackupLacksAndTheScriptPutsItBackAfterTheSwap() throws Exception {
    String db = TestPostgres.freshDatabase("discard");
    var adapter = prepared(db);
    String staging = db + "__rb_r1";

    DiscardReport report = adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, false));
    DiscardReport again = adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, false));

    assertThat(report.tables()).extracting(TableDiscard::table).containsExactly(
        "public.orders", "we\"ird sch.Line Items; --", "public.events", "public.fresh", "public.gone",
        "public.readings");
    TableDiscard orders = table(report, "public.orders");
    long[] expected = TableRows.keyedDifference(TableRows.byKey(db, "orders", 1), TableRows.byKey(staging, "orders", 1));
    assertThat(new long[] {orders.inserted(), orders.updated(), orders.deleted()}).containsExactly(expected);
    assertThat(expected).containsExactly(3, 2, 1);
    assertThat(orders.byPrimaryKey()).isTrue();
    assertThat(orders.newestColumn()).isEqualTo("updated_at");
    assertThat(orders.newestChange()).isEqualTo(Instant.parse("2026-03-06T12:00:00.123456Z"));
    TableDiscard items = table(report, "we\"ird sch.Line Items; --");
    long[] itemsExpected = TableRows.keyedDifference(TableRows.byKey(db, ITEMS, 1, 2), TableRows.byKey(staging, ITEMS, 1, 2));
    assertThat(new long[] {items.inserted(), items.updated(), items.deleted()}).containsExactly(itemsExpected);
    assertThat(itemsExpected).containsExactly(1, 1, 2);
    TableDiscard events = table(report, "public.events");
    long[] eventsExpected = TableRows.rowDifference(TableRows.multiset(db, "events"), TableRows.multiset(staging, "events"));
    assertThat(new long[] {events.inserted(), events.deleted()}).containsExactly(eventsExpected);
    assertThat(eventsExpected).containsExactly(2, 1);
    assertThat(events.byPrimaryKey()).isFalse();
    assertThat(events.updated()).isZero();
    assertThat(events.newestChange()).isEqualTo(Instant.parse("2026-03-03T07:00:00Z"));
    TableDiscard readings = table(report, "public.readings");
    assertThat(new long[] {readings.inserted(), readings.deleted()}).containsExactly(
        TableRows.rowDifference(TableRows.multiset(db, "readings"), TableRows.multiset(staging, "readings")));
    assertThat(new long[] {readings.inserted(), readings.deleted()}).containsExactly(1, 1);
    assertThat(table(report, "public.fresh").inserted()).isEqualTo(2);
    assertThat(table(report, "public.gone").deleted()).isEqualTo(2);

    assertThat(again.tables()).isEqualTo(report.tables());
    assertThat(again.script()).isEqualTo(report.script());
    Path sets = backups.resolve("_salvage").resolve(NAME);
    assertThat(names(sets)).containsExactlyInAnyOrder("r1", ".r1.lock"); // no half-written set beside it
    assertThat(report.salvage()).isEqualTo(sets.resolve("r1").toString());
    assertThat(report.planned()).anySatisfy(p -> assertThat(p).contains("ORDER BY", "\"Line Items; --\""));
    assertThat(String.join("\n", report.planned())).doesNotContain(Fixtures.password().reveal(), "it''s");

    adapter.swap(new SwapRequest(NAME, "r1", "k", false));
    String safety = db + "__before_r1";
    var liveOrders = TableRows.byKey(safety, "orders", 1);
    assertThat(TableRows.byKey(db, "orders", 1)).isNotEqualTo(liveOrders); // the restore discarded them

    applyScript(report.script(), db);
    assertThat(TableRows.byKey(db, "orders", 1)).isEqualTo(liveOrders);
    assertThat(TableRows.byKey(db, ITEMS, 1, 2)).isEqualTo(TableRows.byKey(safety, ITEMS, 1, 2));
    assertThat(TableRows.multiset(db, "events")).isEqualTo(TableRows.multiset(safety, "events"));
    assertThat(TableRows.multiset(db, "readings")).isEqualTo(TableRows.multiset(safety, "readings"));
    applyScript(report.script(), db);
    assertThat(TableRows.byKey(db, "orders", 1)).isEqualTo(liveOrders);
    assertThat(TableRows.byKey(db, ITEMS, 1, 2)).isEqualTo(TableRows.byKey(safety, ITEMS, 1, 2));
    assertThat(TableRows.multiset(db, "events")).isEqualTo(TableRows.multiset(safety, "events"));
    assertThat(Files.readString(Path.of(report.script()))).contains("NOT APPLIED: public.fresh is new since the backup");

    DiscardReport afterSwap = adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, false));
    assertThat(afterSwap.tables()).isEqualTo(report.tables()); // a retry after the swap answers the earlier result
  }

  @Test
  void theFinalMeasurementPicksUpLaterWritesAndCarriesTheUnchangedTables() throws Exception {
    String db = TestPostgres.freshDatabase("discardfinal");
    var adapter = prepared(db);
    DiscardReport first = adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, false));
    TestPostgres.execute(db, "insert into orders values (104, 'late', 1, 2.5, '2026-03-07 00:00+00', null)",
        "update orders set qty = 7 where id = 10");
    awaitNoOtherSessions(db);

    DiscardReport last = adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, true));

    TableDiscard orders = table(last, "public.orders");
    assertThat(new long[] {orders.inserted(), orders.updated(), orders.deleted()}).containsExactly(4, 3, 1);
    assertThat(orders.newestChange()).isEqualTo(Instant.parse("2026-03-07T00:00:00Z"));
    assertThat(last.tables().stream().filter(t -> !t.table().equals("public.orders")).toList())
        .isEqualTo(first.tables().stream().filter(t -> !t.table().equals("public.orders")).toList());
    assertThat(last.planned()).anySatisfy(p -> assertThat(p).contains("carried over"));
    assertThat(last.planned()).noneSatisfy(p -> assertThat(p).contains("public.events"));
    assertThat(last.planned()).anySatisfy(p -> assertThat(p).contains("public.readings")); // partitioned: always

    adapter.swap(new SwapRequest(NAME, "r1", "k", false));
    applyScript(last.script(), db);
    String safety = db + "__before_r1";
    assertThat(TableRows.byKey(db, "orders", 1)).isEqualTo(TableRows.byKey(safety, "orders", 1));
    assertThat(TableRows.byKey(db, ITEMS, 1, 2)).isEqualTo(TableRows.byKey(safety, ITEMS, 1, 2));
    assertThat(TableRows.multiset(db, "events")).isEqualTo(TableRows.multiset(safety, "events"));
  }

  @Test
  void aDryRunComparesNothingAndWritesNothing() {
    String db = TestPostgres.freshDatabase("discarddry");
    var adapter = prepared(db);
    Map<List<String>, List<String>> staged = TableRows.byKey(db + "__rb_r1", "orders", 1);

    DiscardReport dry = adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", true, false));
    DiscardReport noStaging = adapter.measureDiscard(new DiscardRequest(NAME, "r2", "k", true, false));

    assertThat(dry.tables()).isEmpty();
    assertThat(dry.salvage()).isNull();
    assertThat(dry.planned()).anySatisfy(p -> assertThat(p).contains(backups.resolve("_salvage").toString()));
    assertThat(dry.planned()).anySatisfy(p -> assertThat(p).contains("public.orders", "by primary key (id)"));
    assertThat(dry.planned()).anySatisfy(p -> assertThat(p).contains("public.events", "by whole row"));
    assertThat(noStaging.tables()).isEmpty();
    assertThat(backups.resolve("_salvage")).doesNotExist();
    assertThat(TableRows.byKey(db + "__rb_r1", "orders", 1)).isEqualTo(staged);
  }

  @Test
  void aSecondAttemptWaitsWhileAnotherWritesTheSalvageSet() {
    String db = TestPostgres.freshDatabase("discardlock");
    var adapter = prepared(db);
    var set = new SalvageSet(adapter.backupStore(NAME), NAME, "r1");

    try (var held = set.tryLock().orElseThrow()) {
      var busy = failure(() -> adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, false)),
          FailureType.UNAVAILABLE);
      assertThat(busy.getOriginalMessage()).contains("another attempt", "r1");
    }
    assertThat(adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, false)).tables()).isNotEmpty();
  }

  @Test
  void withoutAStagedCopyOrWithABadRunTagItSaysWhatToDo() {
    String db = TestPostgres.freshDatabase("discardbad");
    TestPostgres.execute(db, "create table t (id int primary key)");
    var adapter = Fixtures.adapter(Fixtures.settings(db, null), backups);

    var missing = failure(() -> adapter.measureDiscard(new DiscardRequest(NAME, "r9", "k", false, false)),
        FailureType.UNKNOWN_DATABASE);
    assertThat(missing.getOriginalMessage()).contains(db + "__rb_r9", "restoreStaged");
    var tag = failure(() -> adapter.measureDiscard(new DiscardRequest(NAME, "x\"; drop", "k", false, false)),
        FailureType.INVALID_INPUT);
    assertThat(tag.getOriginalMessage()).contains("runTag");
    failure(() -> adapter.measureDiscard(new DiscardRequest("nope", "r1", "k", false, false)),
        FailureType.UNKNOWN_DATABASE);
  }

  @Test
  void aCommandEngineDatabaseIsReportedAsNotMeasuredSoItsRestoreStillRuns() {
    var server = new TestMariaDb.Server(backups, 3306, Secret.of("unused"), null);
    var adapter = new DatabaseActivitiesImpl(Map.of(NAME, MariaDbFixtures.settings(server, "orders", true, false)),
        backups, backups, java.time.Clock.systemUTC(), Fixtures.catalog());

    DiscardReport report = adapter.measureDiscard(new DiscardRequest(NAME, "r1", "k", false, true));

    assertThat(report.tables()).isEmpty();
    assertThat(report.salvage()).isNull();
    assertThat(report.script()).isNull();
    assertThat(report.planned()).singleElement().asString().startsWith("not measured:").contains("PostgreSQL");
  }

  /** The database at backup time, the backup, the writes after it, and the staged restore r1. */
  private DatabaseActivitiesImpl prepared(String db) {
    TestPostgres.execute(db,
        "create table orders (id int primary key, item text not null, qty int, price float8,"
            + " updated_at timestamptz, note text)",
        "insert into orders select g, 'item ' || g, g, g * 1.5, timestamptz '2026-01-01 00:00+00'"
            + " + g * interval '1 hour', null from generate_series(1, 50) g",
        "create table events (kind text, payload jsonb, created_at timestamp)",
        "insert into events values ('a', '{\"x\": 1}', '2026-01-01 10:00'), ('a', '{\"x\": 1}', '2026-01-01 10:00'),"
            + " ('b', null, null), ('c', '{\"y\": [1, 2]}', '2026-01-02')",
        "create schema \"we\"\"ird sch\"",
        "create table " + ITEMS + " (\"Order Id\" int references orders (id), \"li'ne\" text, \"Val\\ue\" text,"
            + " raw bytea, primary key (\"Order Id\", \"li'ne\"))",
        "insert into " + ITEMS + " values (1, 'a', 'v1', '\\x00ff'), (3, 'a', 'v3', null), (3, 'b', 'v3b', null),"
            + " (5, 'x y', 'v5', null)",
        "create table readings (region text, v int) partition by list (region)",
        "create table readings_eu partition of readings for values in ('eu')",
        "create table readings_us partition of readings for values in ('us')",
        "insert into readings values ('eu', 1), ('us', 1), ('eu', 2), ('us', 2)",
        "create table gone (id int primary key)",
        "insert into gone values (1), (2)");
    var adapter = Fixtures.adapter(Fixtures.settings(db, null), backups);
    String id = adapter.backup(new BackupRequest(NAME, "k", false)).backupId();
    TestPostgres.execute(db,
        "insert into orders values (101, " + HOSTILE + ", 1, 0.1, '2026-03-06 12:00:00.123456+00', " + HOSTILE + "),"
            + " (102, 'two', 2, 'NaN', '2026-03-02 08:00+00', E'a\\tb'), (103, 'three', null, 1e300, null, '')",
        "update orders set qty = 99, updated_at = '2026-03-05 09:30+00' where id = 1",
        "update orders set note = " + HOSTILE + ", updated_at = '2026-03-04 00:00+00' where id = 2",
        "delete from " + ITEMS + " where \"Order Id\" = 3",
        "delete from orders where id = 3",
        "insert into " + ITEMS + " values (101, E'new\\nline', " + HOSTILE + ", '\\xdeadbeef')",
        "update " + ITEMS + " set \"Val\\ue\" = 'changed ''v''' where \"Order Id\" = 5",
        "insert into events values ('a', '{\"x\": 1}', '2026-01-01 10:00'), ('d', '{\"z\": \"q''uote\"}', '2026-03-03 07:00')",
        "delete from events where kind = 'b'",
        "delete from readings where region = 'eu' and v = 1", // its ctid is also a row's in readings_us
        "insert into readings values ('us', 3)",
        "create table fresh (id int primary key, v text)",
        "insert into fresh values (1, 'x'), (2, 'y')",
        "drop table gone");
    adapter.restoreStaged(new StagedRestoreRequest(NAME, id, "r1", "k", false));
    return adapter;
  }

  private static TableDiscard table(DiscardReport report, String name) {
    return report.tables().stream().filter(t -> t.table().equals(name)).findFirst().orElseThrow();
  }

  /** The script run as a person would: psql, stopping at the first error. */
  static void applyScript(String script, String db) throws IOException, InterruptedException {
    var pg = TestPostgres.server();
    ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", pg.host(),
        "-p", Integer.toString(pg.port()), "-U", pg.user(), "-d", db, "-f", script).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", pg.password().reveal());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Waits until the sessions that wrote have ended and reported their counts. */
  static void awaitNoOtherSessions(String db) throws Exception {
    try (Connection c = TestPostgres.connect("postgres");
        PreparedStatement ps = c.prepareStatement("select count(*) from pg_stat_activity where datname = ? and backend_type = 'client backend'")) {
      ps.setString(1, db);
      for (int i = 0; i < 100; i++) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == 0) {
            return;
          }
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("sessions on " + db + " did not end");
  }
}
