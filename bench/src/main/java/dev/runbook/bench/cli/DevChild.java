package dev.runbook.bench.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.bench.engine.Classpath;
import dev.runbook.bench.engine.Deletes;
import dev.runbook.starter.api.Tokens;
import dev.runbook.worker.AuditDatabase;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running {@code runbook dev --in-memory} in its own JVM, set up as the CLI tests set it up:
 * the demo's sample service and shop database in a private PostgreSQL, its own state dir, config,
 * free ports, a rollback log database; erin holds an API token for curl.
 */
final class DevChild implements AutoCloseable {
  private static final Pattern API = Pattern.compile("HTTP API on (http://\\S+)");

  final Path dir;
  final Path config;
  final Map<String, String> env;
  final String token = Tokens.newToken();
  private Process dev;
  private ServiceActivitiesImpl services;
  private String apiUrl;

  private DevChild(Path dir, Path config, Map<String, String> env) {
    this.dir = dir;
    this.config = config;
    this.env = env;
  }

  static DevChild start() throws Exception {
    LocalPostgres pg = TestPostgres.server();
    Path dir = Files.createTempDirectory("bench-cli-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Demo demo = new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook"));
    demo.extractResources();
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), pg.password().reveal());
    int temporalPort;
    try (ServerSocket s = new ServerSocket(0)) {
      temporalPort = s.getLocalPort();
    }
    Demo.Setup setup = demo.writeConfig(pg.host(), pg.port(), pg.user(), temporalPort, Classpath.absolute());
    String logDb = TestPostgres.freshDatabase("bench_cli_log");
    Map<String, String> env = Map.of(
        "RUNBOOK_DEMO_DB_PASSWORD", pg.password().reveal(),
        AuditDatabase.ENV_URL, "postgresql://" + pg.user() + ":" + pg.password().reveal() + "@" + pg.host() + ":"
            + pg.port() + "/" + logDb);
    DevChild d = new DevChild(dir, setup.configFile(), env);
    try {
      d.configure();
      var cfg = ConfigLoader.load(d.config, env::get);
      d.services = new ServiceActivitiesImpl(cfg.services(), d.config.getParent(), dir.resolve(".runbook"));
      demo.deploySampleService(d.services);
      d.startDev();
    } catch (Exception | Error e) {
      d.close();
      throw e;
    }
    return d;
  }

  private void configure() throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(config.toFile(), LinkedHashMap.class);
    tree.put("people", List.of(
        Map.of("name", "erin", "roles", List.of("on-call"), "tokenSha256", Tokens.sha256Hex(token)),
        Map.of("name", "alice", "roles", List.of("engineering-lead")),
        Map.of("name", "carol", "roles", List.of("engineering-manager"))));
    tree.put("api", Map.of("listen", "127.0.0.1:0"));
    yaml.writeValue(config.toFile(), tree);
  }

  private void startDev() throws Exception {
    Path log = dir.resolve("dev.log");
    dev = ChildJvm.start(env, log, "dev", "--in-memory", "--config", config.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(log).contains("Ctrl-C stops it")) {
      if (!dev.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("runbook dev did not start:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    Matcher m = API.matcher(Files.readString(log));
    if (!m.find()) {
      throw new IllegalStateException("runbook dev printed no API address:\n" + Files.readString(log));
    }
    apiUrl = m.group(1);
  }

  String apiUrl() {
    return apiUrl;
  }

  @Override
  public void close() throws Exception {
    try {
      if (dev != null) {
        dev.destroy();
        if (!dev.waitFor(60, TimeUnit.SECONDS)) {
          dev.destroyForcibly();
          dev.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      try {
        if (services != null) {
          new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook")).stopSampleService(services);
        }
      } finally {
        Deletes.tree(dir);
      }
    }
  }
}
