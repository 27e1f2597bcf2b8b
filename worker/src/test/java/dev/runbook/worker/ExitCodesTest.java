package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.worker.config.ConfigVerdicts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
    return runbook(config, Map.of(), args);
  }

  /** @param env the environment the command sees (no token, no API address unless given) */
  private Result runbook(Path config, Map<String, String> env, String... args) {
    return runbook(config, env, ConfigVerdicts.none(), args);
  }

  /** @param verdicts the configurations that passed the whole check before (as the launcher keeps them) */
  private Result runbook(Path config, Map<String, String> env, ConfigVerdicts verdicts, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> withTokenFile = new java.util.HashMap<>(env);
    withTokenFile.putIfAbsent("RUNBOOK_TOKEN_FILE", dir.resolve("no-token").toString());
    try (LiveContext context = new LiveContext(config, withTokenFile,
        new java.io.PrintStream(new java.io.ByteArrayOutputStream()), verdicts)) {
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
  void aConfigurationThatPassedBeforeIsStillExit2OnceItIsBroken() throws IOException {
    ConfigVerdicts verdicts = ConfigVerdicts.in(dir.resolve("checked"));
    Path file = config("kept.yaml", "api:\n  listen: ${API_LISTEN}\n");
    Map<String, String> env = Map.of("API_LISTEN", "127.0.0.1:" + closedPort());

    for (int i = 0; i < 2; i++) {
      Result r = runbook(file, env, verdicts, "status", "rollback-api");
      assertThat(r.exit()).as(r.err()).isEqualTo(3);
      assertThat(r.err()).contains("no token is set to reach the API at " + env.get("API_LISTEN").replace("127", "http://127"));
    }

    Result badValue = runbook(file, Map.of("API_LISTEN", "localhost"), verdicts, "status", "rollback-api");
    assertThat(badValue.exit()).as(badValue.err()).isEqualTo(2);
    assertThat(badValue.err()).contains("api.listen").doesNotContain("localhost");

    Files.writeString(file, Files.readString(file).replace("listen:", "lsten:"));
    for (String[] command : new String[][] {{"status", "rollback-api"}, {"log"}, {"approve", "rollback-api"}}) {
      Result r = runbook(file, env, verdicts, command);
      assertThat(r.exit()).as(String.join(" ", command) + "\n" + r.err()).isEqualTo(2);
      assertThat(r.err()).contains("unknown key 'lsten'");
    }
  }

  @Test
  void withNoDevRunningAndNoTokenTheCliSaysHowToReachTheApi() throws IOException {
    Path none = config("none.yaml", "temporal:\n  address: embedded\n");

    Result r = runbook(none, "log");

    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).startsWith("error: no `runbook dev` runs with " + none + ", and no token is set to reach the API at"
        + " http://127.0.0.1:8080: start `runbook dev` there, or set RUNBOOK_API_URL and RUNBOOK_TOKEN");
  }

  @Test
  void theCliNeedsNoneOfTheWorkersSecretsButStillSeesATypo() throws IOException {
    String db = "databases:\n  shop: {host: 127.0.0.1, database: shop, user: app, password: \"${SHOP_DB_PASSWORD_NOT_SET}\"}\n";
    Path secrets = config("secrets.yaml", "temporal:\n  address: embedded\n" + db);

    Result r = runbook(secrets, "log");
    assertThat(r.exit()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).doesNotContain("SHOP_DB_PASSWORD_NOT_SET").contains("no token is set to reach the API");

    Path typo = config("secrets-typo.yaml", "temporal:\n  address: embedded\n" + db.replace("host:", "hots:"));
    Result t = runbook(typo, "log");
    assertThat(t.exit()).isEqualTo(2);
    assertThat(t.err()).contains("unknown key 'hots'");
  }

  @Test
  void anApiThatDoesNotAnswerIs6AndNamedWithItsAddress() throws IOException {
    int port = closedPort();
    Path nowhere = config("nowhere.yaml", "temporal:\n  address: 127.0.0.1:7233\n");

    Result r = runbook(nowhere, Map.of("RUNBOOK_API_URL", "http://127.0.0.1:" + port, "RUNBOOK_TOKEN", "t0ken"),
        "status", "rollback-api");

    assertThat(r.exit()).isEqualTo(6);
    assertThat(r.err()).startsWith("error: the runbook API at http://127.0.0.1:" + port + " cannot be reached")
        .contains("start `runbook dev`, or point RUNBOOK_API_URL at a running `runbook serve`");
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

  @Test
  void aWorkerWhoseServicesKeepAConfigurationRefusesToStartWithoutTheKeyAndSaysHowToMakeOne() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("RUNBOOK_CONFIG_KEY") == null,
        "this JVM has a RUNBOOK_CONFIG_KEY of its own");
    int port = closedPort();
    Path keyless = config("keyless.yaml", "temporal:\n  address: 127.0.0.1:" + port + "\n"
        + "audit:\n  url: jdbc:postgresql://127.0.0.1:" + port + "/runbook\n  user: runbook\n"
        + "services:\n  shop:\n    adapter: process\n    process: {argv: [shop, \"{version}\"]}\n"
        + "    healthUrl: http://127.0.0.1:1/health\n    config: {envFile: shop.env}\n");

    Result r = runbook(keyless, "worker");

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: " + keyless + " has a problem:\n  RUNBOOK_CONFIG_KEY is not set, and"
        + " services.shop.config keeps its snapshots sealed with it: make one with `runbook key new` and give every"
        + " worker the same RUNBOOK_CONFIG_KEY\n");
  }

  @Test
  void keyNewPrintsAKeyTheWorkersAccept() throws IOException {
    Result r = runbook(config("any.yaml", ""), "key", "new");

    assertThat(r.exit()).isZero();
    String line = r.out().lines().findFirst().orElseThrow();
    assertThat(line).matches("RUNBOOK_CONFIG_KEY=[A-Za-z0-9+/]{43}=");
    assertThat(dev.runbook.activities.config.ConfigKey.parse(line.substring(line.indexOf('=') + 1)).id())
        .matches("k[0-9a-f]{8}");
    assertThat(runbook(config("any2.yaml", ""), "key", "new").out()).isNotEqualTo(r.out());
  }
}
