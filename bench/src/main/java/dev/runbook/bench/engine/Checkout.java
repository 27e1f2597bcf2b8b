package dev.runbook.bench.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository the bench runs in: -Drunbook.home (scripts/bench sets it), else found above the working directory. */
public final class Checkout {
  private Checkout() {}

  public static Path root() {
    String home = System.getProperty("runbook.home");
    if (home != null) {
      return Path.of(home).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/bench"))) {
        return p;
      }
    }
    return Path.of("").toAbsolutePath();
  }
}
