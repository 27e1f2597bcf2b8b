package dev.runbook.bench.database;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Measure;
import dev.runbook.bench.Samples;
import dev.runbook.bench.Target;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.BackupResult;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code backup}: a backup through the product's backup activity (pg_dump in directory format
 * with one job per core, then its checksum, pg_restore --list, the manifest, the publishing rename
 * and the catalog row) against the raw pg_dump of the same format and jobs, of the same pgbench
 * database; the two take turns going first and each output is deleted before the next run. What the
 * backup adds (its checks of the dump) is also timed apart, as a restore runs them.
 */
public final class BackupTime implements Measure {
  @Override
  public String name() {
    return "backup";
  }

  @Override
  public List<Comparison> run(Mode mode) throws Exception {
    int scale = mode.pick(3, 68);
    int repeats = mode.pick(2, 9);
    int jobs = Runtime.getRuntime().availableProcessors();
    BenchPostgres pg = BenchPostgres.shared();
    String database = pg.pgbench(scale);
    String size = String.format(Locale.ROOT, "%.2f GB (pgbench -s %d)", pg.sizeBytes(database) / 1e9, scale);
    Path dir = pg.workDir("backup-s" + scale);
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    List<Double> checks = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    try (ProductDatabase product = new ProductDatabase(pg, database, dir.resolve("backups"), jobs)) {
      for (int i = 1; i <= repeats; i++) {
        // The two take turns going first, so neither always meets the other's cache.
        if (i % 2 == 0) {
          theirs.add(rawDump(pg, database, dir.resolve("raw-" + i), jobs));
        }
        long t0 = System.nanoTime();
        BackupResult r = product.activities().backup(
            new BackupRequest(ProductDatabase.NAME, "bench-backup/" + scale + "/" + i + "/" + System.nanoTime(), false));
        ours.add((System.nanoTime() - t0) / 1e9);
        // What the backup adds to pg_dump, timed apart: the same checksum and pg_restore --list,
        // as a restore checks the backup it is given (with the catalog read and the identity).
        long t1 = System.nanoTime();
        product.activities().resolveBackup(new ResolveBackupRequest(ProductDatabase.NAME, r.backupId(), false, false));
        checks.add((System.nanoTime() - t1) / 1e9);
        sizes.add(r.sizeBytes());
        dev.runbook.bench.engine.Deletes.tree(Path.of(r.path()));
        if (i % 2 == 1) {
          theirs.add(rawDump(pg, database, dir.resolve("raw-" + i), jobs));
        }
        System.out.printf(Locale.ROOT, "bench: backup %s, run %d: runbook %.2f s (its checks of the dump, timed"
            + " apart: %.3f s), pg_dump %.2f s%n", size, i, ours.get(i - 1), checks.get(i - 1), theirs.get(i - 1));
      }
    } finally {
      dev.runbook.bench.engine.Deletes.tree(dir);
    }
    String how = "wall time of a backup of a " + size + " database: ours is the product's backup activity"
        + " (DatabaseActivitiesImpl.backup: pg_dump --format=directory --jobs=" + jobs + ", sha256 over the dump,"
        + " pg_restore --list, manifest, rename into the store, catalog row in the rollback log); theirs is"
        + " pg_dump --format=directory --jobs=" + jobs + " alone. " + repeats + " runs each, taking turns, each"
        + " output deleted before the next, the two taking turns going first. Private PostgreSQL cluster, fsync"
        + " off. The dump is " + String.format(Locale.ROOT, "%.1f MB", sizes.get(0) / 1e6) + "; checking it again"
        + " as a restore does (resolveBackup: the catalog row, the database's identity, the sha256 over the dump and"
        + " pg_restore --list), timed apart after each backup: median "
        + Samples.of("s", checks).medianText() + ", " + Samples.of("s", checks).spreadText() + ".";
    return List.of(new Comparison("backup, " + size, Samples.of("s", ours),
        "pg_dump -Fd -j " + jobs, Samples.of("s", theirs), Target.ratioAtMost(1.05), how));
  }

  private static double rawDump(BenchPostgres pg, String database, Path raw, int jobs) throws Exception {
    List<String> dump = pg.tool("pg_dump", "--format=directory", "--jobs=" + jobs, "--file=" + raw);
    dump.addAll(pg.connection(database));
    long t0 = System.nanoTime();
    Processes.run(dump, pg.env(), "pg_dump -Fd -j " + jobs + " of " + database);
    double seconds = (System.nanoTime() - t0) / 1e9;
    dev.runbook.bench.engine.Deletes.tree(raw);
    return seconds;
  }
}
