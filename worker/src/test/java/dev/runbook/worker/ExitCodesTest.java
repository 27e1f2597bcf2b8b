package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The exit codes the README promises, for what goes wrong before any run is touched: a bad
 * configuration is bad input (2), a Temporal that does not answer is 6, named with its address.
 */
class ExitCodesTest {
  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  private Result runbook(Path config, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (LiveContext context = new LiveContext(config)) {
      CommandLine cli = Main.commandLine(context);
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      String[] withConfig = new String[args.length + 2];
      System.arraycopy(args, 0, withConfig, 0, args.length);
      withConfig[args.length] = "--config";
      withConfig[args.length + 1] = config.toString();
      int code = cli.execute(withConfig);
      return new Result(code, out.toString(), err.toString());
    }
  }

  private Path config(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml + "worker:\n  stateDir: state\n  metricsListen: 127.0.0.1:0\n");
    return file;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aConfigurationProblemIsBadInputForEveryCommand() throws IOException {
    Path typo = config("typo.yaml", "temporal:\n  addres: 127.0.0.1:7233\n");

    for (String[] command : new String[][] {
        {"status", "rollback-api"}, {"log"}, {"start", "emergency", "api", "-s", "P0", "-r", "errors"}, {"worker"}}) {
      Result r = runbook(typo, command);
      assertThat(r.exit()).as(String.join(" ", command) + "\n" + r.err()).isEqualTo(2);
      assertThat(r.err()).startsWith("error: " + typo + " has a problem:\n  temporal: unknown key 'addres'");
    }
  }

  @Test
  void theLogWithNothingToReadIsBadInputAndSaysWhatToSet() throws IOException {
    Path none = config("none.yaml", "temporal:\n  address: embedded\n");

    Result r = runbook(none, "log");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: " + none + " has a problem:\n  audit: not set, so there is no rollback log"
        + " to read: set audit (or RUNBOOK_DATABASE_URL), or start `runbook dev` with this configuration\n");
  }

  @Test
  void aTemporalThatDoesNotAnswerIs6AndNamedWithItsAddress() throws IOException {
    int port = closedPort();
    Path nowhere = config("nowhere.yaml", "temporal:\n  address: 127.0.0.1:" + port + "\n");

    Result r = runbook(nowhere, "status", "rollback-api");

    assertThat(r.exit()).isEqualTo(6);
    assertThat(r.err()).startsWith("error: Temporal is not reachable at 127.0.0.1:" + port + " (Connection refused)")
        .endsWith("): start it with `runbook dev` in another terminal, or check temporal.address in the configuration\n");
  }

  @Test
  void aWorkerWhoseTemporalDoesNotAnswerIs6() throws IOException {
    LocalPostgres pg = TestPostgres.server();
    String log = TestPostgres.freshDatabase("exitcodes");
    int port = closedPort();
    Path worker = config("worker.yaml", "temporal:\n  address: 127.0.0.1:" + port + "\n"
        + "audit:\n  url: " + pg.jdbcUrl(log) + "\n  user: " + pg.user() + "\n  password: " + pg.password().reveal() + "\n");

    Result r = runbook(worker, "worker");

    assertThat(r.exit()).as(r.err()).isEqualTo(6);
    assertThat(r.err()).startsWith("error: Temporal is not reachable at 127.0.0.1:" + port + " (");
  }
}
