package dev.runbook.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A first look at where a CLI command's time goes: how many classes it loads, and its median
 * with C1 only (-XX:TieredStopAtLevel=1) and with an application class-data archive (AppCDS,
 * -XX:ArchiveClassesAtExit then -XX:SharedArchiveFile), beside the plain start.
 */
final class CliProfile {
  private static final int RUNS = 3;

  private CliProfile() {}

  static String firstLook(CliLatency cli, DevChild dev) throws Exception {
    String[] status = {"status", "rollback-shop"};
    Path classes = dev.dir.resolve("classes.log");
    Timed.run(cli.runbook(dev, List.of("-Xlog:class+load:file=" + classes), status), dev.env);
    long loaded;
    try (var lines = Files.lines(classes)) {
      loaded = lines.count();
    }
    long fromCds;
    try (var lines = Files.lines(classes)) {
      fromCds = lines.filter(l -> l.contains("shared objects file")).count();
    }
    Path archive = dev.dir.resolve("runbook-cli.jsa");
    Timed.run(cli.runbook(dev, List.of("-XX:ArchiveClassesAtExit=" + archive), status), dev.env);
    double plain = median(cli, dev, List.of(), status);
    double c1 = median(cli, dev, List.of("-XX:TieredStopAtLevel=1"), status);
    double appCds = Files.exists(archive) ? median(cli, dev, List.of("-XX:SharedArchiveFile=" + archive), status) : -1;
    double both = Files.exists(archive)
        ? median(cli, dev, List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"), status) : -1;
    List<String> client = Files.exists(archive)
        ? List.of(CliLatency.CLIENT_OPTIONS, "-XX:SharedArchiveFile=" + archive) : List.of(CliLatency.CLIENT_OPTIONS);
    double launched = median(cli, dev, client, status);
    double floor = median(cli, dev, client, "--version");
    return String.format(Locale.ROOT, "First look (not a profile; %d runs each): `status` loads %d classes (%d from"
        + " the JDK's default CDS archive); as a bare java command, median %.2f s plain, %.2f s with"
        + " -XX:TieredStopAtLevel=1, %s with an AppCDS archive of its own classes, %s with both; with the"
        + " launcher's client options (both, and the serial collector) %.2f s, of which %.2f s is a JVM that only"
        + " prints its version (`runbook --version`), the rest reading the configuration, reaching the API over"
        + " HTTP and printing the run (curl to the API answers in milliseconds).",
        RUNS, loaded, fromCds, plain, c1, appCds < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f s", appCds),
        both < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f s", both), launched, floor);
  }

  private static double median(CliLatency cli, DevChild dev, List<String> options, String... args) throws Exception {
    return median(dev, cli.runbook(dev, options, args));
  }

  private static double median(DevChild dev, List<String> argv) throws Exception {
    List<Double> t = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      t.add(Timed.run(argv, dev.env).ok(argv).millis() / 1000);
    }
    t.sort(null);
    return t.get(t.size() / 2);
  }
}
