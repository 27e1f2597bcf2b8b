package dev.runbook.bench.demo;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Measure;
import dev.runbook.bench.Samples;
import dev.runbook.bench.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's emergency rollback end to end (P0, so no approval wait; no monitoring) against a
 * bash script running the same commands in the same order, on the same sample service and
 * database, alternating which goes first.
 */
public final class DemoMeasure implements Measure {
  @Override
  public String name() {
    return "demo";
  }

  @Override
  public List<Comparison> run(Mode mode) throws Exception {
    int trials = mode.pick(1, 7);
    boolean warmUp = mode == Mode.FULL;
    Path dir = Files.createTempDirectory("runbook-bench-demo-");
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    Breakdown ourParts = new Breakdown();
    Breakdown theirParts = new Breakdown();
    Breakdown ourHistory = new Breakdown();
    try (SampleShop shop = new SampleShop(dir.resolve("demo"));
        EmbeddedRunbook product = new EmbeddedRunbook(shop);
        ScriptRollback script = new ScriptRollback(shop, dir.resolve("script"))) {
      if (warmUp) {
        shop.reset();
        product.rollback(new Breakdown(), new Breakdown());
        shop.reset();
        script.rollback(new Breakdown());
        script.cleanUp();
      }
      for (int i = 0; i < trials; i++) {
        for (int side = 0; side < 2; side++) {
          boolean productSide = (i + side) % 2 == 0;
          shop.reset();
          if (productSide) {
            ours.add(product.rollback(ourParts, ourHistory));
          } else {
            theirs.add(script.rollback(theirParts));
            script.cleanUp();
          }
          System.out.printf("bench: demo: trial %d, %s: %.2f s%n", i + 1, productSide ? "runbook" : "script",
              productSide ? ours.get(ours.size() - 1) : theirs.get(theirs.size() - 1));
        }
      }
    } finally {
      SampleShopFiles.deleteTree(dir);
    }
    String how = "the demo's sample service (a real process with /health and /version, v2 deployed over v1)"
        + " and sample database (5000 orders, migration 3 bad) on a private PostgreSQL, set up by the demo's own"
        + " code before each trial. Ours: a P0 emergency rollback with its database revert (no approval wait,"
        + " no monitoring), on the embedded Temporal server (the Java test server in this JVM, as"
        + " `./runbook demo` runs it) with the product's worker in the same JVM; timed from the start request"
        + " to the run's end, then checked as the demo checks it (v1, schema 2, every price, the log's row)."
        + " Theirs: bench/src/main/resources/dev/runbook/bench/demo/rollback.sh, the commands the runbook runs in"
        + " the order it runs them (curl version and health, the schema version, pg_dump -Fd -j2, the undo script"
        + " and its history row in one psql transaction, the integrity checks, kill -TERM and wait, start v1 and"
        + " poll /health every 0.2 s, curl health and version), same pg_dump and psql binaries. Trials alternate"
        + " which side goes first" + (warmUp ? "; one warm-up run of each side first, not counted"
            : "; quick: no warm-up, so ours is the first run in a fresh JVM (class loading, JIT)")
        + "; n=" + trials + " each. Where the time goes (median per run), ours by the run's own step times: "
        + ourParts.text() + " (a step's time ends before its rollback-log write, which falls between steps);"
        + " ours by Temporal's history, scheduled to closed, per run: " + ourHistory.text()
        + "; theirs by marks in the script: " + theirParts.text() + ".";
    return List.of(new Comparison("the demo's emergency rollback, end to end, no monitoring",
        Samples.of("s", ours), "bash script, same commands, same order", Samples.of("s", theirs),
        Target.ratioAtMost(1.10), how));
  }
}
