package dev.runbook.worker.temporal;

import dev.runbook.workflows.engine.RunbookSearchAttributes;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Temporal CLI's dev server ({@code temporal server start-dev}) as a child of {@code runbook
 * dev}: the real server on a SQLite file under the state directory, so runs survive a restart of
 * dev, with Temporal UI built in. Listens on 127.0.0.1 only. {@code DIR/dev.db} is the database,
 * {@code DIR/server.log} its output, {@code DIR/server.pid} its pid and the pid of the dev that
 * owns it.
 *
 * <p>A server left running by a dev that was killed (SIGKILL: no chance to stop its child) is
 * stopped before a new one starts: the new one gets the flags of the current configuration
 * (ports, namespace, search attributes), and its life is tied to the new dev again.
 */
public final class DevServer implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DevServer.class);
  public static final String HOST = LocalPorts.HOST;
  static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final Process process;
  private final Path dir;
  private final int port;
  private final int uiPort;
  /** Where this start's lines begin in the server's log (it is appended to across starts). */
  private final long logFrom;

  private DevServer(Process process, Path dir, int port, int uiPort, long logFrom) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.uiPort = uiPort;
    this.logFrom = logFrom;
  }

  /** The Go server's words for a port another process took between our check and its bind. */
  private static final Pattern TAKEN = Pattern.compile("listen tcp [^\\s\"]*:(\\d+): bind: address already in use");

  public static Path database(Path dir) {
    return dir.resolve("dev.db");
  }

  public static Path log(Path dir) {
    return dir.resolve("server.log");
  }

  static Path pidFile(Path dir) {
    return dir.resolve("server.pid");
  }

  /** The command line: every port on 127.0.0.1, the runs' search attributes registered at launch. */
  static List<String> args(Path cli, Path db, int port, int uiPort, String namespace) {
    List<String> a = new ArrayList<>(List.of(cli.toString(), "server", "start-dev",
        "--db-filename", db.toString(), "--ip", HOST, "--port", Integer.toString(port),
        "--ui-ip", HOST, "--ui-port", Integer.toString(uiPort), "--log-level", "warn"));
    if (!namespace.equals("default")) {
      a.addAll(List.of("--namespace", namespace));
    }
    new TreeMap<>(RunbookSearchAttributes.ALL).forEach((name, type) ->
        a.addAll(List.of("--search-attribute", name + "=" + RunbookSearchAttributes.cliTypeName(type))));
    return a;
  }

  /**
   * Starts the dev server and waits until the namespace answers.
   *
   * @param port gRPC port (0: a free one); {@code temporal.embeddedPort}
   * @param uiPort Temporal UI's port (0: a free one); {@code temporal.uiPort}
   */
  public static DevServer start(Path cli, Path stateDir, int port, int uiPort, String namespace, Duration timeout) {
    Path dir = stateDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      stopOrphan(dir);
      int grpc = port == 0 ? LocalPorts.free() : ensureFree(port, "temporal.embeddedPort");
      int ui = uiPort == 0 ? LocalPorts.free() : ensureFree(uiPort, "temporal.uiPort");
      long logFrom = Files.exists(log(dir)) ? Files.size(log(dir)) : 0;
      Process p = new ProcessBuilder(args(cli, database(dir), grpc, ui, namespace))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log(dir).toFile())).start();
      DevServer server = new DevServer(p, dir, grpc, ui, logFrom);
      try {
        Files.writeString(pidFile(dir), p.pid() + " " + ProcessHandle.current().pid() + "\n");
        server.awaitReady(namespace, timeout);
      } catch (IOException | RuntimeException e) {
        server.close(); // never leave a server nobody will stop
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Temporal dev server " + cli + ": " + e.getMessage(), e);
    }
  }

  /** Stops a server a killed dev left on this directory; refuses when that dev still runs. */
  static void stopOrphan(Path dir) throws IOException {
    Path f = pidFile(dir);
    if (!Files.exists(f)) {
      return;
    }
    String[] pids = Files.readString(f).strip().split("\\s+");
    Optional<ProcessHandle> server = alive(pids[0]).filter(h -> runsOn(h, database(dir)));
    if (server.isPresent()) {
      Optional<ProcessHandle> owner = pids.length > 1 ? alive(pids[1]) : Optional.empty();
      if (owner.isPresent() && owner.get().pid() != ProcessHandle.current().pid()) {
        throw new IllegalStateException("another `runbook dev` (pid " + owner.get().pid() + ") runs the Temporal dev"
            + " server on " + database(dir) + ": stop it first, or give this one another state directory");
      }
      stop(server.get());
      log.info("stopped the Temporal dev server (pid {}) that a killed `runbook dev` left running on {}",
          server.get().pid(), database(dir));
    }
    Files.deleteIfExists(f);
  }

  private static Optional<ProcessHandle> alive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Guards against a recycled pid: only a dev server on this very file is ours. */
  private static boolean runsOn(ProcessHandle h, Path db) {
    String[] a = h.info().arguments().orElse(new String[0]);
    for (int i = 0; i + 1 < a.length; i++) {
      if (a[i].equals("--db-filename") && a[i + 1].equals(db.toString())) {
        return true;
      }
    }
    return false;
  }

  /** SIGTERM, wait, then SIGKILL. */
  private static void stop(ProcessHandle h) {
    h.destroy();
    try {
      h.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      h.destroyForcibly();
      h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
    } catch (InterruptedException e) {
      h.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Checks the port on every interface, like the in-memory server does. */
  static int ensureFree(int port, String key) {
    return LocalPorts.ensureFree(
        port, "Temporal dev server", "another `runbook dev`? `temporal server start-dev`?", key);
  }

  /** Ready when the namespace answers over gRPC and Temporal UI serves its page. */
  private void awaitReady(String namespace, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    String problem = "nothing answered yet";
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(exited(process.exitValue()));
        }
        try {
          stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
              .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
          HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(uiUrl() + "/"))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            return;
          }
          problem = "Temporal UI answered " + r.statusCode();
        } catch (RuntimeException | IOException e) {
          problem = e.getMessage();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the Temporal dev server did not answer within " + timeout.toSeconds()
              + "s (" + problem + "): see " + log(dir) + tail());
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the Temporal dev server started", e);
    } finally {
      stubs.shutdownNow();
    }
  }

  /**
   * Why the server exited before it was ready. A port taken between the check that it was free
   * and the server's bind (another dev starting at the same moment) is named with its setting;
   * anything else is shown with this start's last lines of the log.
   */
  private String exited(int code) {
    List<String> lines = thisStartsLog();
    for (String line : lines) {
      Matcher m = TAKEN.matcher(line);
      if (m.find()) {
        int taken = Integer.parseInt(m.group(1));
        String key = taken == uiPort ? "temporal.uiPort" : "temporal.embeddedPort";
        return "port " + taken + " was taken by another process while the Temporal dev server started"
            + " (another `runbook dev` or `temporal server start-dev` starting at the same time?): start again, or"
            + " set " + key + " in the config to a free port" + (taken == port || taken == uiPort ? ""
                : " (the dev server also listens on ports beside temporal.embeddedPort)") + "; see " + log(dir);
      }
    }
    return "the Temporal dev server exited with " + code + " before it was ready: see " + log(dir) + tail(lines);
  }

  private String tail() {
    return tail(thisStartsLog());
  }

  private static String tail(List<String> lines) {
    return lines.isEmpty() ? "" : "; its last lines:\n  "
        + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
  }

  private List<String> thisStartsLog() {
    try (var in = Files.newInputStream(log(dir))) {
      in.skipNBytes(Math.min(logFrom, Files.size(log(dir))));
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  public String address() {
    return HOST + ":" + port;
  }

  public String uiUrl() {
    return "http://" + HOST + ":" + uiPort;
  }

  public Path database() {
    return database(dir);
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM, wait up to 30 s, then SIGKILL; forgets the pid file. */
  @Override
  public void close() {
    stop(process.toHandle());
    try {
      Files.deleteIfExists(pidFile(dir));
    } catch (IOException ignored) {
      // a stale pid file names a dead process: the next start ignores it
    }
  }
}
