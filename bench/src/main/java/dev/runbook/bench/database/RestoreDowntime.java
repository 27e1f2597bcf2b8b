package dev.runbook.bench.database;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Measure;
import dev.runbook.bench.Samples;
import dev.runbook.bench.Target;
import dev.runbook.bench.chart.Chart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code restore-downtime}: how long the writers are down while a pgbench database is restored
 * from its backup, by the product's staged swap and by the two ways the source runbooks restore
 * (stop, pg_restore --clean, start; stop, drop and create, gunzip | psql, start), at two sizes.
 * The three ways take turns within each repetition. Full mode also draws
 * docs/bench-restore-downtime.png (quick: under bench/target/).
 */
public final class RestoreDowntime implements Measure {
  private static final String TARGET_TEXT = "<= 0.2 s, flat with size";
  static final String RUNS_PROPERTY = "runbook.bench.restore-downtime.runs";

  @Override
  public String name() {
    return "restore-downtime";
  }

  @Override
  public List<Comparison> run(Mode mode) throws Exception {
    int[] scales = mode == Mode.QUICK ? new int[] {1, 3} : new int[] {68, 270};
    int[] runs = runsPerSize(mode, scales.length);
    int jobs = Runtime.getRuntime().availableProcessors();
    BenchPostgres pg = BenchPostgres.shared();
    List<Comparison> rows = new ArrayList<>();
    Map<String, List<double[]>> chart = new LinkedHashMap<>();
    String swapName = "staged swap (runbook)";
    String pgRestoreName = "stop + pg_restore -j " + jobs + " --clean + start";
    String psqlName = "stop + drop/create + gunzip | psql + start";
    for (String s : List.of(swapName, pgRestoreName, psqlName)) {
      chart.put(s, new ArrayList<>());
    }
    for (int k = 0; k < scales.length; k++) {
      int scale = scales[k];
      int repeats = runs[k];
      String live = pg.pgbench(scale);
      double gb = pg.sizeBytes(live) / 1e9;
      String size = String.format(Locale.ROOT, "%.2f GB (pgbench -s %d)", gb, scale);
      List<Double> swap = new ArrayList<>();
      List<Double> restore = new ArrayList<>();
      List<Double> psql = new ArrayList<>();
      try (RestoreWays ways = new RestoreWays(pg, live, jobs, pg.workDir("restore-s" + scale))) {
        for (int i = 1; i <= repeats; i++) {
          swap.add(ways.stagedSwap());
          restore.add(ways.pgRestore());
          psql.add(ways.gunzipPsql());
          System.out.printf(Locale.ROOT, "bench: restore-downtime %s, run %d: staged swap %.3f s, pg_restore %.2f s,"
              + " gunzip | psql %.2f s (staged swap: %s)%n", size, i, swap.get(i - 1), restore.get(i - 1),
              psql.get(i - 1), ways.lastSwapPhases());
        }
      }
      Samples ours = Samples.of("s", swap);
      Samples theirsRestore = Samples.of("s", restore);
      Samples theirsPsql = Samples.of("s", psql);
      String how = "writers' downtime restoring a " + size + " database from its backup: from the stop of the"
          + " writers (a real pgbench process inserting 20 rows/s, stopped with SIGTERM until its session is gone)"
          + " to their start (its session back on the live database). Ours: the product's database activities"
          + " (DatabaseActivitiesImpl, the real backup store): the backup restored into staging and the discard"
          + " measured while the writers write (untimed, the approval's time), the catch-up measurement once"
          + " approved (untimed), then stop, salvage (writers stopped), swap, start. Theirs: the same backup (pg_dump -Fd -j " + jobs + ") with the alternative"
          + " between stop and start. Private PostgreSQL cluster, fsync off (which favours theirs); "
          + repeats + " run(s) per way, the ways taking turns. Target " + TARGET_TEXT + ".";
      rows.add(new Comparison("restore-downtime, " + size, ours, pgRestoreName, theirsRestore,
          Target.medianAtMost(0.2, "s"), how));
      rows.add(new Comparison("restore-downtime, " + size, ours, psqlName, theirsPsql,
          Target.medianAtMost(0.2, "s"), how));
      chart.get(swapName).add(new double[] {gb, ours.median()});
      chart.get(pgRestoreName).add(new double[] {gb, theirsRestore.median()});
      chart.get(psqlName).add(new double[] {gb, theirsPsql.median()});
    }
    Path checkout = Path.of(System.getProperty("runbook.home", ".")).toAbsolutePath().normalize();
    Path png = mode == Mode.QUICK
        ? checkout.resolve("bench/target/bench-restore-downtime-quick.png")
        : checkout.resolve("docs/bench-restore-downtime.png");
    Chart.lines("Writers' downtime during a restore (median per size)", "database size (GB)",
        "downtime (s, log scale)", Chart.Scale.LOG, chart, Map.of("target 0.2 s", 0.2), png);
    System.out.println("bench: chart written to " + png);
    return rows;
  }

  /**
   * Runs per size: quick 1, full 3; {@code -Drunbook.bench.restore-downtime.runs=3,1} sets them
   * per size (a shorter full run when the largest size takes too long; the table shows n).
   */
  static int[] runsPerSize(Mode mode, int sizes) {
    String given = System.getProperty(RUNS_PROPERTY);
    int[] runs = new int[sizes];
    String[] parts = given == null ? new String[0] : given.split(",");
    for (int i = 0; i < sizes; i++) {
      runs[i] = i < parts.length ? Integer.parseInt(parts[i].strip()) : mode.pick(1, 3);
      if (runs[i] < 1) {
        throw new IllegalArgumentException(RUNS_PROPERTY + "=" + given + ": every size needs at least one run");
      }
    }
    return runs;
  }
}
