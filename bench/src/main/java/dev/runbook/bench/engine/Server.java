package dev.runbook.bench.engine;

import dev.runbook.worker.support.RealTemporal;
import dev.runbook.worker.temporal.EmbeddedTemporal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Temporal server the measures run against: the embedded Java test server (in this process),
 * or the real server (its own process, SQLite state in a temp dir) when
 * {@code scripts/temporal-server path} finds it built.
 */
public final class Server implements AutoCloseable {
  private final String kind;
  private final String address;
  private final AutoCloseable owned;
  private final Path dir;

  private Server(String kind, String address, AutoCloseable owned, Path dir) {
    this.kind = kind;
    this.address = address;
    this.owned = owned;
    this.dir = dir;
  }

  public static Server embedded() {
    EmbeddedTemporal t = EmbeddedTemporal.start(0);
    return new Server("embedded", t.address(), t, null);
  }

  public static Server real() throws IOException {
    Path dir = Files.createTempDirectory("bench-temporal-");
    RealTemporal t = RealTemporal.start(dir);
    return new Server("real", t.address(), t, dir);
  }

  /** The servers to measure on: embedded always, the real one where it is built. */
  public static List<String> kinds(Path checkout) {
    List<String> kinds = new ArrayList<>(List.of("embedded"));
    if (realBuilt(checkout)) {
      kinds.add("real");
    }
    return kinds;
  }

  public static Server start(String kind) throws IOException {
    return kind.equals("real") ? real() : embedded();
  }

  /** Whether {@code scripts/temporal-server path} finds the server binary. */
  public static boolean realBuilt(Path checkout) {
    try {
      Process p = new ProcessBuilder(checkout.resolve("scripts/temporal-server").toString(), "path")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public String kind() {
    return kind;
  }

  public String address() {
    return address;
  }

  /** Which server, for the how-it-was-measured text. */
  public String describe() {
    return kind.equals("real")
        ? "the real Temporal server (scripts/temporal-server, SQLite, its own process)"
        : "the embedded Java test server (in the measuring JVM)";
  }

  @Override
  public void close() throws Exception {
    try {
      owned.close();
    } finally {
      if (dir != null) {
        Deletes.tree(dir);
      }
    }
  }
}
