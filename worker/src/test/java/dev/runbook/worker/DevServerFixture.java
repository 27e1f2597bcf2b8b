package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.worker.support.ChildJvm.Result;
import dev.runbook.worker.support.RealTemporal;
import dev.runbook.worker.temporal.TemporalCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sample service and database of the demo, a rollback log in the test PostgreSQL, and
 * {@code runbook dev} in its own JVM hosting the Temporal CLI's dev server (its UI on a free
 * port). Builds the CLI first if needed ({@code scripts/temporal-cli install}).
 */
final class DevServerFixture implements AutoCloseable {
  static final Duration QUICK = Duration.ofSeconds(60);

  final Path dir;
  final Path config;
  final Map<String, String> env;
  final int temporalPort;
  final int uiPort;
  private final ServiceActivitiesImpl services;
  private final Demo demo;
  Process dev;
  private int starts;

  /** Builds the Temporal CLI first when it is not built yet, or waits for the build under way. */
  DevServerFixture(Path dir, String logDbName) throws Exception {
    RealTemporal.installCli();
    assertThat(TemporalCli.find(System.getenv())).as("the Temporal CLI after " + TemporalCli.INSTALL).isPresent();
    this.dir = dir;
    LocalPostgres pg = TestPostgres.server();
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    demo = new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook"));
    demo.extractResources();
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), pg.password().reveal());
    temporalPort = freePort();
    uiPort = freePort();
    Demo.Setup setup = demo.writeConfig(pg.host(), pg.port(), pg.user(), temporalPort, ChildJvm.classpath());
    config = setup.configFile();
    configure("temporal", Map.of("address", "embedded", "embeddedPort", temporalPort, "uiPort", uiPort));
    configure("api", Map.of("listen", "127.0.0.1:0"));
    String logDb = TestPostgres.freshDatabase(logDbName);
    env = Map.of(
        "RUNBOOK_DEMO_DB_PASSWORD", pg.password().reveal(),
        AuditDatabase.ENV_URL, "postgresql://" + pg.user() + ":" + pg.password().reveal() + "@" + pg.host() + ":"
            + pg.port() + "/" + logDb);
    var cfg = ConfigLoader.load(config, env::get);
    services = new ServiceActivitiesImpl(cfg.services(), config.getParent(), dir.resolve(".runbook"));
    demo.deploySampleService(services);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  String ui() {
    return "http://127.0.0.1:" + uiPort;
  }

  Path stateDir() {
    return dir.resolve(".runbook");
  }

  /** Adds (or replaces) a top-level section of the configuration, before dev starts. */
  void configure(String section, Object value) throws java.io.IOException {
    var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(config.toFile(), java.util.LinkedHashMap.class);
    tree.put(section, value);
    yaml.writeValue(config.toFile(), tree);
  }

  /** Starts dev and waits for its banner; returns the banner. */
  String startDev() throws Exception {
    Path log = dir.resolve("dev-" + (++starts) + ".log");
    dev = ChildJvm.start(env, log, "dev", "--config", config.toString());
    for (int i = 0; i < 240 && !Files.readString(log).contains("Ctrl-C stops it"); i++) {
      assertThat(dev.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(250);
    }
    String banner = Files.readString(log);
    assertThat(banner).contains("Ctrl-C stops it");
    return banner;
  }

  /** What dev printed since it started. */
  String devLog() throws java.io.IOException {
    return Files.readString(dir.resolve("dev-" + starts + ".log"));
  }

  /** SIGTERM, as Ctrl-C or a service manager would. */
  void stopDev() throws Exception {
    dev.destroy();
    assertThat(dev.waitFor(60, TimeUnit.SECONDS)).as("dev stops on SIGTERM").isTrue();
    assertThat(dev.exitValue()).isIn(0, 143);
  }

  Result runbook(String... args) {
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = config.toString();
    return ChildJvm.run(env, QUICK, withConfig);
  }

  void awaitPhase(String run, String phase) throws InterruptedException {
    String last = "";
    for (int i = 0; i < 120; i++) {
      Result r = runbook("status", run, "--json");
      last = r.toString();
      if (r.out().contains("\"phase\" : \"" + phase + "\"")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no phase " + phase + " in " + last);
  }

  /** The pid of the dev server dev started, from its pid file. */
  long serverPid() throws java.io.IOException {
    return Long.parseLong(Files.readString(stateDir().resolve("temporal/server.pid")).strip().split("\\s+")[0]);
  }

  @Override
  public void close() throws Exception {
    try {
      if (dev != null && dev.isAlive()) {
        stopDev();
      }
    } finally {
      // A dev killed by a failed test leaves its server: stop it by its pid file.
      Path pid = stateDir().resolve("temporal/server.pid");
      if (Files.exists(pid)) {
        ProcessHandle.of(serverPid()).ifPresent(h -> {
          h.destroyForcibly();
          h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        });
      }
      demo.stopSampleService(services);
    }
  }

  static List<String> lines(String s) {
    return s.lines().toList();
  }
}
