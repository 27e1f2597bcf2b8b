package dev.runbook.worker.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures the reliability suite measures: printed as they come and appended to
 * {@code target/reliability-figures.txt}, from which docs/RELIABILITY.md is written.
 */
final class Figures {
  private static final Path FILE = Path.of("target", "reliability-figures.txt");

  private Figures() {}

  static synchronized void record(String scenario, String figure) {
    String line = scenario + ": " + figure;
    System.out.println("[reliability] " + line);
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "median 8.1 s, max 10.4 s over 12" for a list of durations. */
  static String summary(List<Duration> times) {
    if (times.isEmpty()) {
      return "none";
    }
    List<Duration> sorted = new ArrayList<>(times);
    sorted.sort(null);
    Duration median = sorted.get(sorted.size() / 2);
    Duration max = sorted.get(sorted.size() - 1);
    return String.format(java.util.Locale.ROOT, "median %.1f s, max %.1f s over %d",
        median.toMillis() / 1000.0, max.toMillis() / 1000.0, sorted.size());
  }
}
