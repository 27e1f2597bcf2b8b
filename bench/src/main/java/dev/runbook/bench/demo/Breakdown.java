package dev.runbook.bench.demo;

import dev.runbook.bench.Samples;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.StepStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Where one side's time goes, part by part, over the trials: the median of each part. */
final class Breakdown {
  private final Map<String, List<Double>> parts = new LinkedHashMap<>();
  private final Map<String, List<Double>> counts = new LinkedHashMap<>();

  void add(String part, double seconds) {
    parts.computeIfAbsent(part, k -> new ArrayList<>()).add(seconds);
  }

  /** A part made of {@code count} pieces (activities of one type) taking {@code seconds} in all. */
  void add(String part, double seconds, int count) {
    add(part, seconds);
    counts.computeIfAbsent(part, k -> new ArrayList<>()).add((double) count);
  }

  /** The run's steps as its status shows them, and what came before the first and after the last. */
  void addRun(Instant start, Instant end, RunStatus status) {
    Instant at = start;
    boolean first = true;
    double gaps = 0;
    for (StepStatus s : status.steps()) {
      if (s.startedAt() == null || s.finishedAt() == null) {
        continue;
      }
      if (first) {
        add("before the first step", seconds(at, s.startedAt()));
        first = false;
      } else {
        gaps += seconds(at, s.startedAt());
      }
      add(s.id(), seconds(s.startedAt(), s.finishedAt()));
      at = s.finishedAt();
    }
    add("between steps (sum)", gaps);
    add("after the last step", seconds(at, end));
  }

  /** The script's marks: lines "label epoch-seconds.micros", one as each part begins, "end" last. */
  void addMarks(Path marks) throws IOException {
    List<String> lines = Files.readAllLines(marks);
    for (int i = 0; i + 1 < lines.size(); i++) {
      String[] a = lines.get(i).split(" ");
      String[] b = lines.get(i + 1).split(" ");
      add(a[0], Double.parseDouble(b[1]) - Double.parseDouble(a[1]));
    }
  }

  /** "capture-evidence 0.21 s, backup 0.40 s, ...": each part's median per run. */
  String text() {
    List<String> out = new ArrayList<>();
    for (var e : parts.entrySet()) {
      String count = counts.containsKey(e.getKey())
          ? " x" + String.format(Locale.ROOT, "%.0f", Samples.of("", counts.get(e.getKey())).median()) : "";
      out.add(e.getKey() + count + " " + String.format(Locale.ROOT, "%.2f", Samples.of("s", e.getValue()).median()) + " s");
    }
    return String.join(", ", out);
  }

  private static double seconds(Instant a, Instant b) {
    return Duration.between(a, b).toNanos() / 1e9;
  }
}
