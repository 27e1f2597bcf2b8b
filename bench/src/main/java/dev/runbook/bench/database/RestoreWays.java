package dev.runbook.bench.database;

import dev.runbook.activities.database.BackupStore;
import dev.runbook.activities.database.DatabaseActivitiesImpl;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardRequest;
import dev.runbook.workflows.activities.DatabaseActivities.StagedRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SwapResult;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * The three ways of restoring one pgbench database from its backup, each timed as the writers
 * see it: from the stop of the writers to their start, verified. The backup is the product's
 * (pg_dump, directory format, one job per core); the plain SQL dump the gunzip way reads is made
 * once beside it, as a cron job would make it. Nothing here is timed but the writers' downtime.
 */
final class RestoreWays implements AutoCloseable {
  private final BenchPostgres pg;
  private final String live;
  private final int jobs;
  private final Path dir;
  private final ProductDatabase product;
  private final Writers writers;
  private final String backupId;
  private final Path archive;
  private final Path plainDump;
  private int runs;
  private String lastSwapPhases = "";

  RestoreWays(BenchPostgres pg, String live, int jobs, Path dir) throws IOException, SQLException {
    this.pg = pg;
    this.live = live;
    this.jobs = jobs;
    this.dir = dir;
    this.product = new ProductDatabase(pg, live, dir.resolve("backups"), jobs);
    BackupResult backup = product.activities().backup(
        new BackupRequest(ProductDatabase.NAME, "bench-restore/" + live + "/" + System.nanoTime(), false));
    this.backupId = backup.backupId();
    this.archive = Path.of(backup.path()).resolve(BackupStore.DUMP);
    this.plainDump = dir.resolve(live + ".sql.gz");
    List<String> dump = pg.tool("pg_dump", "--no-owner");
    dump.addAll(pg.connection(live));
    Processes.shell(quote(dump) + " | gzip > " + quote(List.of(plainDump.toString())), pg.env(),
        "pg_dump | gzip of " + live);
    this.writers = new Writers(pg, live, dir);
    writers.start();
  }

  /**
   * The product's staged swap, as the database runbook drives it: the backup restored into a
   * staging database and what it discards measured while the writers still write (the approval's
   * time), the catch-up measurement once approved, then, timed: stop the writers, keep the
   * salvage set, swap the names, start the writers. The safety copy the swap leaves is dropped
   * after, untimed.
   */
  double stagedSwap() throws IOException, SQLException {
    DatabaseActivitiesImpl db = product.activities();
    String tag = "bench" + (++runs);
    String key = "bench-restore/" + live + "/" + tag + "/";
    db.restoreStaged(new StagedRestoreRequest(ProductDatabase.NAME, backupId, tag, key + "restore-staging", false));
    db.measureDiscard(new DiscardRequest(ProductDatabase.NAME, tag, key + "measure-discard", false, false));
    db.measureDiscard(new DiscardRequest(ProductDatabase.NAME, tag, key + "catch-up", false, false));
    long t0 = System.nanoTime();
    writers.stop();
    long t1 = System.nanoTime();
    DiscardReport salvage =
        db.measureDiscard(new DiscardRequest(ProductDatabase.NAME, tag, key + "salvage", false, true));
    long t2 = System.nanoTime();
    SwapResult swap = db.swap(new SwapRequest(ProductDatabase.NAME, tag, key + "swap", false));
    long t3 = System.nanoTime();
    writers.start();
    long t4 = System.nanoTime();
    double seconds = (t4 - t0) / 1e9;
    String carried = salvage.planned().stream().filter(line -> line.contains("carried over")).findFirst()
        .orElse("no table carried over: every table compared again")
        + salvage.planned().stream().filter(line -> line.contains("only the rows written since")).findFirst()
            .map(line -> "; " + line.substring(3)).orElse("");
    lastSwapPhases = String.format(java.util.Locale.ROOT,
        "stop %.3f s, salvage %.3f s (%s), swap %.3f s, start %.3f s",
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, carried, (t3 - t2) / 1e9, (t4 - t3) / 1e9);
    if (swap.safetyName() == null) {
      throw new IllegalStateException("the swap of run " + tag + " left no safety copy: it did not swap");
    }
    pg.drop(swap.safetyName());
    return seconds;
  }

  /** Where the last staged swap's downtime went: stop, salvage, swap, start. */
  String lastSwapPhases() {
    return lastSwapPhases;
  }

  /** Stop, pg_restore -j N --clean --if-exists into the live database, start. */
  double pgRestore() throws IOException, SQLException {
    List<String> restore = pg.tool("pg_restore", "--jobs=" + jobs, "--clean", "--if-exists", "--no-owner",
        "--exit-on-error");
    restore.addAll(pg.connection(live));
    restore.add(archive.toString());
    long t0 = System.nanoTime();
    writers.stop();
    Processes.run(restore, pg.env(), "pg_restore -j " + jobs + " --clean into " + live);
    writers.start();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Stop, drop and create the database, gunzip -c dump.sql.gz | psql, start. */
  double gunzipPsql() throws IOException, SQLException {
    List<String> drop = pg.tool("dropdb", "--force");
    drop.addAll(pg.login());
    drop.add("--no-password");
    drop.add(live);
    List<String> create = pg.tool("createdb");
    create.addAll(pg.login());
    create.add("--no-password");
    create.add(live);
    List<String> load = pg.tool("psql", "--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--output=/dev/null");
    load.addAll(pg.connection(live));
    String script = quote(drop) + " && " + quote(create) + " && gunzip -c " + quote(List.of(plainDump.toString()))
        + " | " + quote(load);
    long t0 = System.nanoTime();
    writers.stop();
    Processes.shell(script, pg.env(), "drop, create and gunzip | psql into " + live);
    writers.start();
    return (System.nanoTime() - t0) / 1e9;
  }

  @Override
  public void close() {
    writers.close();
    product.close();
    dev.runbook.bench.engine.Deletes.tree(dir);
  }

  private static String quote(List<String> argv) {
    StringBuilder b = new StringBuilder();
    for (String a : argv) {
      b.append(b.length() == 0 ? "" : " ").append("'").append(a.replace("'", "'\\''")).append("'");
    }
    return b.toString();
  }
}
