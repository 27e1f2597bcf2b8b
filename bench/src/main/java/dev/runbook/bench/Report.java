package dev.runbook.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * docs/BENCHMARKS.md (or the quick run's copy under target/): machine, command, table, how measured.
 * The account of where the time goes is written by people: a rewrite keeps the section under
 * {@link #ACCOUNT} that the page had, in its place after the table.
 */
final class Report {
  static final String ACCOUNT = "## Where the time goes";
  private static final String HOW = "## How each was measured";
  /** The charts the measures draw beside the page (a quick run's under target/), and what they show. */
  private static final String[][] CHARTS = {
      {"bench-step-time.png", "Time per step against the floor"},
      {"bench-restore-downtime.png", "Writers' downtime against database size"}};

  private Report() {}

  static void write(Path file, Machine machine, String command, List<Comparison> rows, List<String> failures)
      throws IOException {
    String account = keptAccount(file);
    StringBuilder b = new StringBuilder();
    b.append("# Benchmarks\n\n");
    b.append("How fast production comes back, measured side by side with the alternatives in one run on one\n");
    b.append("machine. Reproduce with `").append(command).append("` (`scripts/bench --quick` proves every\n");
    b.append("measure still runs, with small sizes; it writes to `bench/target/` only).\n\n");
    b.append("- Measured: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
    b.append("- Machine: ").append(machine.describe()).append('\n');
    b.append("- Command: `").append(command).append("`\n\n");
    b.append("## Figures\n\n");
    b.append("Ratio is our median over theirs. Spread is p10-p90 with 10 or more samples, else min-max.\n\n");
    b.append(Table.markdown(rows)).append('\n');
    for (String[] chart : CHARTS) {
      if (Files.exists(file.toAbsolutePath().resolveSibling(chart[0]))) {
        b.append("![").append(chart[1]).append("](").append(chart[0]).append(")\n\n");
      }
    }
    if (!failures.isEmpty()) {
      b.append("## Measures that did not run\n\n");
      failures.forEach(f -> b.append("- ").append(f).append('\n'));
      b.append('\n');
    }
    b.append(account);
    b.append(HOW).append("\n\n");
    for (Comparison c : rows) {
      b.append("- **").append(c.measure()).append("**: ").append(c.how()).append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, b.toString());
  }

  /** The section under {@link #ACCOUNT} in the page as it is, up to the next section; "" if none. */
  static String keptAccount(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    String page = "\n" + Files.readString(file);
    int at = page.indexOf("\n" + ACCOUNT);
    if (at < 0) {
      return "";
    }
    int end = page.indexOf("\n## ", at + 1);
    return page.substring(at + 1, end < 0 ? page.length() : end).strip() + "\n\n";
  }
}
