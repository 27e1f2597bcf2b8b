package dev.runbook.bench.demo;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.worker.Settings;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import java.io.File;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code ./runbook demo} sets up, through the demo's own code: the sample service (a real
 * process) deployed at v2 over v1, and the sample database with its bad migration 3, on a private
 * PostgreSQL. Each trial starts from there again.
 */
final class SampleShop implements AutoCloseable {
  final Path dir;
  final LocalPostgres pg;
  final Demo demo;
  final Demo.Setup setup;
  final Settings settings;
  final String password;
  private final ServiceActivitiesImpl services;

  SampleShop(Path dir) throws Exception {
    this.dir = dir;
    this.pg = TestPostgres.server();
    this.demo = new Demo(new PrintWriter(Writer.nullWriter()), dir);
    demo.extractResources();
    // The service runs in its own directory: its classpath must not be relative to ours.
    this.setup = demo.writeConfig(pg.host(), pg.port(), pg.user(), 0, absoluteClasspath());
    this.password = pg.password().reveal();
    this.settings = new Settings(ConfigLoader.load(setup.configFile(),
        name -> name.equals("RUNBOOK_DEMO_DB_PASSWORD") ? password : System.getenv(name)),
        setup.configFile().getParent(), setup.configFile().toString());
    this.services = new ServiceActivitiesImpl(settings.config().services(), settings.baseDir(), settings.stateDir());
  }

  private static String absoluteClasspath() {
    // Under surefire the JVM's own class path is a booter jar: ChildJvm finds the real one.
    return Arrays.stream(ChildJvm.classpath().split(File.pathSeparator))
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** The sample database with migrations 1 to 3, the service at v2 over v1 (what the demo starts from). */
  void reset() throws Exception {
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), password);
    demo.resetSampleService(services);
    demo.deploySampleService(services);
  }

  /** The sample service's command line for {@code version}, as the demo's configuration has it. */
  @SuppressWarnings("unchecked")
  List<String> serviceArgv(String version) throws Exception {
    Map<String, Object> tree = new YAMLMapper().readValue(setup.configFile().toFile(), Map.class);
    Map<String, Object> shop = (Map<String, Object>) ((Map<String, Object>) tree.get("services")).get(Demo.SERVICE);
    List<String> argv = new ArrayList<>();
    for (Object a : (List<Object>) ((Map<String, Object>) shop.get("process")).get("argv")) {
      argv.add(a.toString().replace("{version}", version));
    }
    return argv;
  }

  /** Where the process adapter keeps the running service's pid. */
  Path pidFile() {
    return settings.stateDir().resolve(Demo.SERVICE).resolve("pid");
  }

  String url(String path) {
    return "http://127.0.0.1:" + setup.servicePort() + path;
  }

  /** The demo's promise without the log: the service answers v1, the schema is at 2, every order has its price. */
  List<String> rolledBack() {
    List<String> failures = new ArrayList<>();
    String version = Demo.serviceVersion(setup.servicePort());
    if (!version.contains("\"v1\"")) {
      failures.add("the service does not answer v1: " + version);
    }
    try (Connection c = pg.connect(Demo.SHOP_DB)) {
      ResultSet rs = c.createStatement().executeQuery("select max(version::int) from flyway_schema_history where success");
      rs.next();
      if (rs.getInt(1) != 2) {
        failures.add("the schema is at " + rs.getInt(1) + ", not 2");
      }
      rs = c.createStatement().executeQuery("select count(*) filter (where price > 0) from orders");
      rs.next();
      if (rs.getLong(1) != 5000) {
        failures.add(rs.getLong(1) + " of 5000 orders have a price");
      }
    } catch (SQLException e) {
      failures.add("cannot read the sample database: " + e.getMessage());
    }
    return failures;
  }

  @Override
  public void close() {
    demo.stopSampleService(services);
  }
}
