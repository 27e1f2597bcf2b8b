package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.database.SalvageSet.Entry;
import dev.runbook.activities.database.SalvageSet.State;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import dev.runbook.workflows.activities.FailureType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What restoring a run's staged copy would discard: every user table of the live database
 * compared with the staging one ({@link TableComparison}), in one read-only snapshot per side,
 * and the rows that differ written as the run's salvage set ({@link SalvageSet}). The staging side
 * is read on a thread of its own while the live side is ({@link Beside}): the last measurement
 * runs with the writers stopped.
 *
 * <p>A measurement after the first keeps its cost down with the write counters of {@code
 * pg_stat_user_tables}: each measurement records them per table before comparing, and a later
 * one compares again only the tables whose counters moved (and those not measured before),
 * carrying the earlier results and salvage files of the rest, with the counters they were
 * measured at. The final measurement ({@code writersStopped}) trusts the counters only where
 * they cannot lag behind a committed write: PostgreSQL 15 or later, and no other session on the
 * live database active in the last 11 seconds (an idle session reports its counts within 10 s, a
 * closed one at once); otherwise it compares every table again: slower, never wrong. A
 * measurement while the writers still write may carry a result its lagging counters did not see
 * a write to, since the final one compares the settled counters with those the result was
 * measured at, and compares the table again. Counters that were reset also count as moved. A
 * partitioned table is always compared again (its writes are counted on its partitions). A
 * table without a key that is compared again hashes only the rows written since the earlier
 * measurement's snapshot ({@link KeylessRows}).
 */
final class Discards {
  private static final Logger log = LoggerFactory.getLogger(Discards.class);
  private static final String DELETES = "-delete.sql";
  private static final String UPSERTS = "-upsert.sql";
  private static final String ROWS = "-rows.tsv";

  private final Clock clock;

  Discards(Clock clock) {
    this.clock = clock;
  }

  DiscardReport measure(ConfiguredDatabase db, String runTag, boolean dryRun, boolean writersStopped) {
    if (db.commandEngine()) {
      PgNames.requireRunTag(runTag);
      return new DiscardReport(db.name(), clock.instant(), List.of(), null, null, List.of("not measured:"
          + " databases." + db.name() + " is engine: command, and measuring what a restore discards needs"
          + " PostgreSQL; compare the live database with the staged copy by hand before the swap"));
    }
    String live = db.live();
    String staging = PgNames.staging(live, runTag);
    String safety = PgNames.safety(live, runTag);
    SalvageSet set = new SalvageSet(db.store(), db.name(), runTag);
    String history = db.settings().migrations() == null ? null : db.settings().migrations().historyTable();
    if (dryRun) {
      List<TableShape> tables = db.client().onLive("read the tables of " + live, c -> LiveTables.read(c, history));
      List<String> planned = new ArrayList<>();
      planned.add("compare " + live + " with " + staging + " table by table, then write the salvage set to "
          + set.dir() + " (apply.sql re-applies it to the restored database)");
      tables.forEach(t -> planned.add(plan(new ComparedTable(t, t))));
      return new DiscardReport(db.name(), clock.instant(), List.of(), null, null, planned);
    }
    // Both sessions open at once: the last measurement runs with the writers stopped.
    Beside<Connection> liveSession = Beside.start("connect to " + live, () -> connect(db, live));
    Connection sc;
    try {
      sc = connectIfThere(db, staging);
    } catch (RuntimeException e) {
      discard(liveSession);
      throw e;
    }
    if (sc == null) {
      discard(liveSession);
      Optional<State> earlier = set.state();
      if (earlier.isPresent() && db.client().onMaintenance("look for " + safety, c -> PgClient.exists(c, safety))) {
        return report(db, earlier.get(), set, List.of("already measured before the swap: " + safety + " holds the"
            + " database as it was"));
      }
      throw Failures.of(FailureType.UNKNOWN_DATABASE, "there is no staging database " + staging + " for run "
          + runTag + ": restore a backup into it first (restoreStaged), then measure what the swap would discard");
    }
    Heartbeat beat = Heartbeat.current();
    try (sc; Connection lc = liveSession.join();
        BackupStore.Lock lock = set.tryLock().orElseThrow(() -> Failures.of(FailureType.UNAVAILABLE, "another"
            + " attempt is measuring run " + runTag + " of databases." + db.name() + " and writing its salvage set;"
            + " this one will retry"));
        QueryTicker ticking = new QueryTicker(beat, List.of(lc, sc))) {
      return compare(db, runTag, set, history, lc, sc, writersStopped, beat);
    } catch (SQLException e) {
      throw db.client().failure(e, live + " / " + staging, "measure what restoring " + staging + " discards");
    } finally {
      discard(liveSession);
    }
  }

  /** Closes the session a call beside opened, if it did (after a failure on this side). */
  private static void discard(Beside<Connection> session) {
    try {
      Connection c = session.join();
      if (c != null && !c.isClosed()) {
        c.close();
      }
    } catch (SQLException | RuntimeException e) {
      // it failed or was closed: nothing is left open
    }
  }

  private DiscardReport compare(ConfiguredDatabase db, String runTag, SalvageSet set, String history,
      Connection lc, Connection sc, boolean writersStopped, Heartbeat beat) throws SQLException {
    Map<String, Entry> earlier = new LinkedHashMap<>();
    set.state().ifPresent(s -> s.tables().forEach(e -> earlier.put(TableShape.id(e.schema(), e.name()), e)));
    Map<String, TableShape> stagedTables;
    Map<String, TableShape> liveTables;
    Map<String, List<Long>> counters;
    Map<String, Set<String>> references;
    boolean carries;
    XidSnapshot now;
    try (Beside<Map<String, TableShape>> staged = Beside.start("tables of " + sc.getCatalog(), () -> {
      snapshot(sc);
      return byId(LiveTables.read(sc, history));
    })) {
      carries = !writersStopped || LiveTables.countersSettled(lc);
      counters = LiveTables.counters(lc);
      snapshot(lc);
      now = XidSnapshot.of(lc);
      liveTables = byId(LiveTables.read(lc, history));
      references = LiveTables.references(lc);
      stagedTables = staged.join();
    }
    Instant measuredAt = clock.instant();

    Path next = set.startNext();
    List<Entry> entries = new ArrayList<>();
    List<String> planned = new ArrayList<>();
    planned.add("salvage set: " + set.dir() + "; apply with psql -v ON_ERROR_STOP=1 -d " + db.live() + " -f "
        + set.script());
    Map<String, TableShape> all = new LinkedHashMap<>(liveTables);
    stagedTables.forEach(all::putIfAbsent);
    int n = 0;
    int carried = 0;
    for (String id : all.keySet()) {
      ComparedTable t = new ComparedTable(liveTables.get(id), stagedTables.get(id));
      String prefix = String.format("%04d", ++n);
      List<Long> moved = counters.get(id);
      Entry before = earlier.get(id);
      if (carries && before != null && moved != null && moved.equals(before.counters()) && unchanged(before, t)) {
        entries.add(carry(set, before, next, prefix));
        carried++;
        continue;
      }
      beat.phase("compare " + t.display());
      Measured m = measure(t, before, set, next, prefix, lc, sc, now, beat);
      planned.add(m.since() ? "-- " + SalvageStatements.oneLine(t.display()) + ": only the rows written since the"
          + " last measurement hashed, the " + before.settledRows() + " row(s) settled then counted" : plan(t));
      entries.add(new Entry(t.schema(), t.name(), t.columns(), t.key(), moved, m.discard(),
          m.deletes() ? prefix + DELETES : null, m.upserts() ? prefix + UPSERTS : null,
          t.live() != null, t.staged() != null, now.text(), m.settled(), m.settled() == null ? null : prefix + ROWS));
    }
    lc.commit();
    sc.commit();
    if (carried > 0) {
      planned.add(carried + " table(s) unchanged since the last measurement (write counters): results carried over");
    }
    State state = new State(db.name(), runTag, measuredAt, entries);
    set.finish(next, state, SalvageScript.of(db.name(), db.live(), runTag, measuredAt, entries, references));
    DiscardReport report = report(db, state, set, planned);
    log.info("measured what restoring run {} discards from databases.{}: {} table(s) differ; salvage set in {}",
        runTag, db.name(), report.tables().size(), set.dir());
    return report;
  }

  /** One table's comparison: what it discards, and which files it wrote. */
  private record Measured(TableDiscard discard, Long settled, boolean deletes, boolean upserts, boolean since) {}

  /**
   * Compares a table; one without a key measured before is first compared by the rows written
   * since ({@link KeylessRows}), and whole when that cannot tell.
   */
  private static Measured measure(ComparedTable t, Entry before, SalvageSet set, Path next, String prefix,
      Connection lc, Connection sc, XidSnapshot now, Heartbeat beat) throws SQLException {
    Path deletes = next.resolve(prefix + DELETES);
    Path upserts = next.resolve(prefix + UPSERTS);
    Path rowsFile = next.resolve(prefix + ROWS);
    boolean keyless = t.live() != null && t.staged() != null && !t.byPrimaryKey() && !t.partitioned();
    if (keyless && before != null && before.rowsFile() != null && before.snapshot() != null
        && before.settledRows() != null && unchanged(before, t) && before.key().isEmpty()
        && Files.isRegularFile(set.dir().resolve(before.rowsFile()))) {
      SalvageStatements out = new SalvageStatements(t, deletes, upserts);
      KeylessRows.Writer rows = new KeylessRows.Writer(rowsFile);
      TableDiscard d;
      try (out; rows) {
        d = KeylessRows.since(t, lc, sc, set.dir().resolve(before.rowsFile()), before.settledRows(),
            XidSnapshot.parse(before.snapshot()), now, out, rows, beat);
      }
      if (d != null) {
        return new Measured(d, rows.settled(), out.wroteDeletes(), out.wroteUpserts(), true);
      }
      log.info("{}: rows settled at the last measurement were deleted or updated since; comparing it whole",
          t.display());
      for (Path p : List.of(deletes, upserts, rowsFile)) {
        SalvageSet.delete(p);
      }
    }
    SalvageStatements out = new SalvageStatements(t, deletes, upserts);
    KeylessRows.Writer rows = keyless ? new KeylessRows.Writer(rowsFile) : null;
    TableDiscard d;
    try (out; rows) {
      d = TableComparison.compare(t, t.live() == null ? null : lc, t.staged() == null ? null : sc, now, out, rows, beat);
    }
    return new Measured(d, rows == null ? null : rows.settled(), out.wroteDeletes(), out.wroteUpserts(), false);
  }

  private static boolean unchanged(Entry before, ComparedTable t) {
    return t.live() != null && t.staged() != null && !t.partitioned() && before.inLive() && before.inStaging()
        && before.columns().equals(t.columns()) && before.key().equals(t.key());
  }

  private static Entry carry(SalvageSet set, Entry before, Path next, String prefix) {
    String deletes = before.deleteFile() == null ? null : prefix + DELETES;
    String upserts = before.upsertFile() == null ? null : prefix + UPSERTS;
    if (deletes != null) {
      set.carry(before.deleteFile(), next, deletes);
    }
    if (upserts != null) {
      set.carry(before.upsertFile(), next, upserts);
    }
    String rows = before.rowsFile() == null ? null : prefix + ROWS;
    if (rows != null) {
      set.carry(before.rowsFile(), next, rows);
    }
    return new Entry(before.schema(), before.name(), before.columns(), before.key(), before.counters(),
        before.discard(), deletes, upserts, before.inLive(), before.inStaging(), before.snapshot(),
        before.settledRows(), rows);
  }

  private DiscardReport report(ConfiguredDatabase db, State state, SalvageSet set, List<String> planned) {
    List<TableDiscard> differ = state.tables().stream().map(Entry::discard)
        .filter(d -> total(d) > 0)
        .sorted(Comparator.comparingLong(Discards::total).reversed().thenComparing(TableDiscard::table))
        .toList();
    return new DiscardReport(db.name(), state.measuredAt(), differ, set.dir().toString(), set.script().toString(),
        planned);
  }

  private static long total(TableDiscard d) {
    return d.inserted() + d.updated() + d.deleted();
  }

  private static String plan(ComparedTable t) {
    return "-- " + SalvageStatements.oneLine(t.display()) + (t.byPrimaryKey()
        ? ": by primary key (" + SalvageStatements.oneLine(String.join(", ", t.key())) + ")" : ": by whole row")
        + "\n" + TableComparison.liveQuery(t);
  }

  private static Map<String, TableShape> byId(List<TableShape> tables) {
    return tables.stream().collect(Collectors.toMap(TableShape::id, Function.identity(), (a, b) -> a,
        LinkedHashMap::new));
  }

  private static Connection connect(ConfiguredDatabase db, String database) {
    try {
      return session(db, database);
    } catch (SQLException e) {
      throw db.client().failure(e, database, "connect to " + database + " to measure what a restore discards");
    }
  }

  /** A session on {@code database}, or null when there is no such database. */
  private static Connection connectIfThere(ConfiguredDatabase db, String database) {
    try {
      return session(db, database);
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())) {
        return null;
      }
      throw db.client().failure(e, database, "connect to " + database + " to measure what a restore discards");
    }
  }

  private static Connection session(ConfiguredDatabase db, String database) throws SQLException {
    Connection c = db.client().connect(database);
    try (Statement s = c.createStatement()) {
      for (String setting : SalvageScript.SESSION) {
        s.execute(setting);
      }
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** One read-only snapshot for every table of a side. */
  private static void snapshot(Connection c) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    c.setReadOnly(true);
  }
}
