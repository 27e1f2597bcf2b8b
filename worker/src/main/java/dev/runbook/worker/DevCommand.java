package dev.runbook.worker;

import dev.runbook.worker.Processes.DevStack;
import dev.runbook.worker.temporal.TemporalCli;
import dev.runbook.worker.temporal.TemporalUi;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code runbook dev}: a Temporal server, a worker, the API and the rollback log in one process. */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = {"Run everything in one process for development: a Temporal server (the Temporal CLI's dev server"
        + " with Temporal UI when the CLI is installed, runs surviving a restart; else the in-memory Java test server;"
        + " or the real one temporal.address names), a worker, the HTTP API and the rollback log (in the configured"
        + " PostgreSQL, else " + AuditDatabase.ENV_URL + ", else a private cluster started from the installed"
        + " binaries). Other terminals use the CLI against it. Ctrl-C stops it."})
final class DevCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--in-memory", description = "Use the in-memory Java test server even when the Temporal CLI is"
      + " installed: a quick throwaway session, no UI, nothing kept.")
  boolean inMemory;

  private final Supplier<Settings> settings;
  private final Map<String, String> env;

  DevCommand(Supplier<Settings> settings) {
    this(settings, System.getenv());
  }

  DevCommand(Supplier<Settings> settings, Map<String, String> env) {
    this.settings = settings;
    this.env = env;
  }

  /** Where the CLI reaches dev's API: its listen host, or loopback when it listens everywhere. */
  private static String apiHost(Settings s) {
    String listen = s.config().apiSettings().listen();
    String host = listen.substring(0, listen.lastIndexOf(':'));
    return host.equals("0.0.0.0") || host.equals("[::]") ? "127.0.0.1" : host;
  }

  /** The Temporal CLI whose dev server dev hosts, or null for the in-memory server. */
  static Path temporalCli(Settings s, boolean inMemory, Map<String, String> env) {
    if (inMemory || !s.config().temporal().embedded()) {
      return null;
    }
    return TemporalCli.find(env).orElse(null);
  }

  @Override
  public Integer call() throws Exception {
    Settings s = settings.get();
    Shutdown shutdown = new Shutdown(s.config().worker().shutdownGrace());
    PrintWriter out = spec.commandLine().getOut();
    Path cli = temporalCli(s, inMemory, env);
    String secret = DevState.newSecret(s.stateDir());
    // Before any HTTP server exists in this process: the JDK reads its limits once.
    dev.runbook.starter.api.JdkServerLimits.applyDefaults(s.config().apiSettings());
    try (DevStack stack = new DevStack(s, null, System.out, secret, System::getenv, cli)) {
      var db = stack.audit.server();
      String apiUrl = stack.api.scheme() + "://" + apiHost(s) + ":" + stack.api.port();
      new DevState(stack.address(), db.host(), db.port(), db.user(), db.database(), ProcessHandle.current().pid(),
          apiUrl, stack.ui == null ? null : stack.ui.baseUrl()).write(s.stateDir());
      out.printf("runbook dev: Temporal %s (%s), task queue %s, rollback log in PostgreSQL %s:%d/%s%n",
          stack.address(), serverKind(stack), s.config().temporal().taskQueue(), db.host(), db.port(), db.database());
      if (stack.embedded != null && !inMemory) {
        out.println("  no Temporal CLI found (" + TemporalCli.ENV_PATH + ", " + TemporalCli.cached(env)
            + ", temporal on PATH): runs are lost when dev stops and there is no Temporal UI;"
            + " `" + TemporalCli.INSTALL + "` gives both");
      }
      if (stack.ui != null) {
        out.println("Temporal UI on " + stack.ui.baseUrl() + "/namespaces/" + s.config().temporal().namespace()
            + "/workflows");
        out.println("  runs awaiting approval (" + TemporalUi.awaitingApprovalQuery() + "): " + stack.ui.awaitingApproval());
      }
      out.printf("configuration: %s (%s)%n", s.source(), s.fingerprint());
      stack.schedules.forEach(out::println);
      out.println("HTTP API on " + apiUrl + " (OpenAPI at /openapi.json); tokens from people[].tokenSha256,"
          + " and this machine's CLI may act as anyone under people with --as");
      out.println("approval console on " + apiUrl + "/console (sign in with a token, or as anyone under people on"
          + " this machine)");
      out.println("in another terminal: ./runbook start emergency SERVICE -s P1 -r WHY --as YOU, then ./runbook status rollback-SERVICE");
      out.println("Ctrl-C stops it.");
      out.flush();
      shutdown.await();
    } finally {
      DevState.remove(s.stateDir());
      shutdown.done();
    }
    return 0;
  }

  private static String serverKind(DevStack stack) {
    if (stack.devServer != null) {
      return "Temporal dev server (SQLite " + stack.devServer.database() + ", survives restarts)";
    }
    return stack.embedded != null ? "embedded, in memory" : "real server";
  }
}
