package dev.runbook.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code scripts/bench [--quick] [--only NAME,...] [--out FILE]}: runs the measures, prints the
 * table and writes the report. Exits 1 only when a measure failed to run; a missed target is a
 * figure, not a failure.
 */
public final class Main {
  private Main() {}

  /** Every measure, in the order of the report. */
  static List<Measure> all() {
    return List.of(
        new dev.runbook.bench.steps.StepTime(),
        new dev.runbook.bench.throughput.Throughput(),
        new dev.runbook.bench.approve.ApproveLatency(),
        new dev.runbook.bench.database.RestoreDowntime(),
        new dev.runbook.bench.database.BackupTime(),
        new dev.runbook.bench.recovery.RecoveryMeasure(),
        new dev.runbook.bench.demo.DemoMeasure(),
        new dev.runbook.bench.cli.CliLatency());
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  static int run(String[] args) throws Exception {
    Measure.Mode mode = Measure.Mode.FULL;
    Set<String> only = new LinkedHashSet<>();
    Path checkout = Path.of(System.getProperty("runbook.home", ".")).toAbsolutePath().normalize();
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> mode = Measure.Mode.QUICK;
        case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("bench: unknown argument " + args[i] + " (use --quick, --only NAME,... or --out FILE)");
          return 2;
        }
      }
    }
    List<Measure> chosen = new ArrayList<>();
    Set<String> unknown = new LinkedHashSet<>(only);
    for (Measure m : all()) {
      if (only.isEmpty() || only.contains(m.name())) {
        chosen.add(m);
        unknown.remove(m.name());
      }
    }
    if (!unknown.isEmpty()) {
      System.err.println("bench: no measure named " + unknown + "; known: " + all().stream().map(Measure::name).toList());
      return 2;
    }
    if (out == null) {
      out = mode == Measure.Mode.QUICK
          ? checkout.resolve("bench/target/BENCHMARKS-quick.md")
          : checkout.resolve("docs/BENCHMARKS.md");
    }
    List<Comparison> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Measure m : chosen) {
      System.out.println("bench: " + m.name() + " (" + mode.name().toLowerCase() + ")...");
      long t0 = System.nanoTime();
      try {
        List<Comparison> got = m.run(mode);
        rows.addAll(got);
        System.out.print(Table.text(got));
      } catch (Exception | AssertionError e) {
        failures.add(m.name() + ": " + e);
        System.out.println("bench: " + m.name() + " did not run: " + e);
        e.printStackTrace();
      }
      System.out.printf("bench: %s took %.1f s%n", m.name(), (System.nanoTime() - t0) / 1e9);
    }
    String command = "scripts/bench" + (mode == Measure.Mode.QUICK ? " --quick" : "")
        + (chosen.size() == all().size() ? "" : " --only " + String.join(",", chosen.stream().map(Measure::name).toList()));
    Report.write(out, Machine.here(checkout), command, rows, failures);
    System.out.println();
    System.out.print(Table.text(rows));
    System.out.println("bench: report written to " + out);
    return failures.isEmpty() ? 0 : 1;
  }
}
