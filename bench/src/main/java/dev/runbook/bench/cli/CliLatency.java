package dev.runbook.bench.cli;

import dev.runbook.bench.Comparison;
import dev.runbook.bench.Measure;
import dev.runbook.bench.Samples;
import dev.runbook.bench.Target;
import dev.runbook.bench.engine.Checkout;
import dev.runbook.worker.support.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A CLI command's wall time ({@code runbook status RUN}, {@code runbook list}), each in its own JVM
 * as the launcher starts it, against {@code curl} to the same API endpoint, both against one
 * running {@code runbook dev --in-memory}.
 */
public final class CliLatency implements Measure {
  private static final String RUN = "rollback-shop";

  @Override
  public String name() {
    return "cli";
  }

  @Override
  public List<Comparison> run(Mode mode) throws Exception {
    int runs = mode.pick(3, 10);
    try (DevChild dev = DevChild.start()) {
      // Started through the API (what `runbook start emergency shop -s P1` sends), to spare a JVM start.
      List<String> start = List.of("curl", "-sS", "-f", "-o", "/dev/null", "-H", "Authorization: Bearer " + dev.token,
          "-H", "Content-Type: application/json", "-d",
          "{\"service\":\"shop\",\"severity\":\"P1\",\"reason\":\"bench\",\"monitorFor\":\"PT0S\"}",
          dev.apiUrl() + "/api/v1/runs/emergency");
      Timed.run(start, dev.env).ok(start);
      awaitStatus(dev);
      String profile = mode == Mode.FULL ? CliProfile.firstLook(this, dev) : "(the first look at where the time"
          + " goes runs in full mode only)";
      List<Comparison> rows = new ArrayList<>();
      rows.add(compare(dev, runs, "runbook status " + RUN, List.of("status", RUN), "/api/v1/runs/" + RUN,
          profile));
      if (mode == Mode.FULL) {
        rows.add(compare(dev, runs, "runbook list", List.of("list"), "/api/v1/runs?limit=20", ""));
      }
      return rows;
    }
  }

  private Comparison compare(DevChild dev, int runs, String title, List<String> args, String path, String more)
      throws Exception {
    // As the launcher runs a client command (without its staleness check, which would build a
    // checkout that was never built through it): client.options, the static class-data archive
    // made from the classes the first command loaded, here an unmeasured first call of this very
    // command, and the record of the configurations that passed the whole check (that first
    // call's), so later calls read the configuration for the API's address alone.
    String[] argv = args.toArray(new String[0]);
    java.nio.file.Path classes = dev.dir.resolve("client-" + args.get(0) + ".classes");
    java.nio.file.Path archive = dev.dir.resolve("client-" + args.get(0) + ".jsa");
    String checked = "-Drunbook.checked=" + dev.dir.resolve("config-checked-" + args.get(0));
    List<String> first = runbook(dev, List.of(CLIENT_OPTIONS, checked, "-XX:DumpLoadedClassList=" + classes), argv);
    List<String> dump = List.of(ChildJvm.java(), "-Xshare:dump", "-XX:+UseSerialGC",
        "-XX:SharedClassListFile=" + classes, "-XX:SharedArchiveFile=" + archive, "-cp", launcherClasspath());
    List<String> cli = runbook(dev, List.of(CLIENT_OPTIONS, checked, "-XX:SharedArchiveFile=" + archive), argv);
    List<String> whole = runbook(dev, List.of(CLIENT_OPTIONS, "-XX:SharedArchiveFile=" + archive), argv);
    List<String> curl = curl(dev, path);
    int warmup = 1;
    Timed.run(first, dev.env).ok(first);
    Timed.run(dump, dev.env).ok(dump);
    Timed.run(curl, dev.env).ok(curl);
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    List<Double> checkedWhole = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ours.add(Timed.run(cli, dev.env).ok(cli).millis() / 1000);
      theirs.add(Timed.run(curl, dev.env).ok(curl).millis() / 1000);
      checkedWhole.add(Timed.run(whole, dev.env).ok(whole).millis() / 1000);
    }
    return new Comparison(
        "cli: " + title,
        Samples.of("s", ours),
        "curl GET " + path.replaceFirst("\\?.*", ""),
        Samples.of("s", theirs),
        Target.medianAtMost(0.5, "s"),
        "`" + title + " --config CONFIG` in its own JVM as the runbook launcher starts a client command (java"
            + " with worker/src/main/jvm/client.options and the static class-data archive made from the classes a"
            + " first, unmeasured call loaded;"
            + " the launcher's staleness check, a few milliseconds, not included), against"
            + " `curl -sS -o /dev/null` with a bearer token to the same endpoint of a running `runbook dev --in-memory`"
            + " (own JVM, own state dir, config and ports; a P1 emergency rollback of the demo's shop service waiting"
            + " for approval); wall time from process start to exit; " + warmup + " unmeasured call(s) of each, then " + runs
            + " of each, alternating. The first call checked the whole configuration and recorded its pass"
            + " (-Drunbook.checked, as the launcher sets it); the measured calls read the unchanged file for the API's"
            + " address alone. The same command checking the whole configuration each time (no record), alternating"
            + " with these: median " + Samples.of("s", checkedWhole).medianText() + ", "
            + Samples.of("s", checkedWhole).spreadText() + "." + (more.isEmpty() ? "" : " " + more));
  }

  /** The launcher's JVM options for commands that answer and exit, as a java @argument file. */
  static final String CLIENT_OPTIONS = "@" + Checkout.root().resolve("worker/src/main/jvm/client.options");

  /** The argv of a runbook command as a bare java command (no launcher options), with the dev's config. */
  List<String> runbook(DevChild dev, List<String> jvmOptions, String... args) {
    List<String> argv = new ArrayList<>(List.of(ChildJvm.java()));
    argv.addAll(jvmOptions);
    argv.addAll(List.of("-cp", launcherClasspath(), "dev.runbook.worker.Main"));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--config", dev.config.toString()));
    return argv;
  }

  /** worker/target's jar and lib, as ./runbook uses them; else this JVM's classpath. */
  static String launcherClasspath() {
    Path target = Checkout.root().resolve("worker/target");
    if (Files.isDirectory(target.resolve("lib"))) {
      try (Stream<Path> jars = Files.list(target)) {
        var jar = jars.map(Path::toString)
            .filter(p -> p.matches(".*/runbook-worker-[^/]*\\.jar") && !p.endsWith("-tests.jar")).findFirst();
        if (jar.isPresent()) {
          return jar.get() + ":" + target.resolve("lib") + "/*";
        }
      } catch (java.io.IOException e) {
        // fall through
      }
    }
    return ChildJvm.classpath();
  }

  private static List<String> curl(DevChild dev, String path) {
    return List.of("curl", "-sS", "-f", "-o", "/dev/null", "-H", "Authorization: Bearer " + dev.token,
        dev.apiUrl() + path);
  }

  private static void awaitStatus(DevChild dev) throws Exception {
    List<String> curl = curl(dev, "/api/v1/runs/" + RUN);
    for (int i = 0; i < 120; i++) {
      if (Timed.run(curl, dev.env).exit() == 0) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(RUN + " never answered on " + dev.apiUrl());
  }
}
