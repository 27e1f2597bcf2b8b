package dev.runbook.bench.engine;

import dev.runbook.worker.support.ChildJvm;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** This JVM's classpath with absolute entries, for child processes that run elsewhere (the demo's service). */
public final class Classpath {
  private Classpath() {}

  public static String absolute() {
    return Arrays.stream(ChildJvm.classpath().split(File.pathSeparator))
        .filter(e -> !e.isBlank())
        .map(e -> e.endsWith("*") ? Path.of(e.substring(0, e.length() - 1)).toAbsolutePath() + File.separator + "*"
            : Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
