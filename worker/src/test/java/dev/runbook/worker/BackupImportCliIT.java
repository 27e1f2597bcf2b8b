package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.api.Tokens;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.demo.Demo;
import dev.runbook.worker.support.ChildJvm;
import dev.runbook.worker.support.ChildJvm.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup people already have, through the CLI in JVMs of their own against a real `runbook
 * dev` (its own JVM: embedded Temporal, a worker with the real adapters, the sample service and
 * database on a real PostgreSQL): last night's {@code pg_dump | gzip} imported with {@code
 * runbook backup import}, listed by {@code runbook backups} with its origin, then restored in one
 * command with {@code start database --mode restore --backup-file}.
 */
class BackupImportCliIT {
  private static final Duration QUICK = Duration.ofSeconds(90);

  @TempDir static Path dir;
  static Process dev;
  static Path config;
  static Map<String, String> env;
  static ServiceActivitiesImpl services;
  static Path dump;

  @BeforeAll
  static void startDevAndDumpTheShopDatabase() throws Exception {
    LocalPostgres pg = TestPostgres.server();
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Demo demo = new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook"));
    demo.extractResources();
    demo.createShopDatabase(pg.host(), pg.port(), pg.user(), pg.password().reveal());
    int temporalPort;
    try (ServerSocket s = new ServerSocket(0)) {
      temporalPort = s.getLocalPort();
    }
    config = demo.writeConfig(pg.host(), pg.port(), pg.user(), temporalPort, ChildJvm.classpath()).configFile();
    var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(config.toFile(), java.util.LinkedHashMap.class);
    tree.put("people", List.of(
        Map.of("name", "bob", "roles", List.of("on-call"), "tokenSha256", Tokens.sha256Hex(Tokens.newToken())),
        Map.of("name", "alice", "roles", List.of("engineering-lead")),
        Map.of("name", "carol", "roles", List.of("engineering-manager"))));
    tree.put("api", Map.of("listen", "127.0.0.1:0"));
    yaml.writeValue(config.toFile(), tree);
    env = Map.of(
        "RUNBOOK_DEMO_DB_PASSWORD", pg.password().reveal(),
        AuditDatabase.ENV_URL, "postgresql://" + pg.user() + ":" + pg.password().reveal() + "@" + pg.host() + ":"
            + pg.port() + "/" + TestPostgres.freshDatabase("import_log"));
    services = new ServiceActivitiesImpl(ConfigLoader.load(config, env::get).services(), config.getParent(),
        dir.resolve(".runbook"));
    demo.deploySampleService(services);

    // Last night's backup, made the way SchedGen makes them: pg_dump piped through gzip.
    dump = Files.createDirectories(dir.resolve("backups")).resolve("db_shop_2026-11-25.sql.gz");
    ProcessBuilder pgDump = new ProcessBuilder(LocalPostgres.findBinDir().orElseThrow().resolve("pg_dump").toString(),
        "--host=" + pg.host(), "--port=" + pg.port(), "--username=" + pg.user(), "--no-password",
        "--dbname=" + Demo.SHOP_DB);
    pgDump.environment().put("PGPASSWORD", pg.password().reveal());
    for (Process p : ProcessBuilder.startPipeline(List.of(pgDump,
        new ProcessBuilder("gzip", "-c").redirectOutput(dump.toFile())))) {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    }

    Path log = dir.resolve("dev.log");
    dev = ChildJvm.start(env, log, "dev", "--in-memory", "--config", config.toString());
    for (int i = 0; i < 120 && !Files.readString(log).contains("Ctrl-C stops it"); i++) {
      assertThat(dev.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(500);
    }
  }

  @AfterAll
  static void stopDev() throws Exception {
    if (dev != null) {
      dev.destroy();
      assertThat(dev.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    if (services != null) {
      new Demo(new PrintWriter(new StringWriter()), dir.resolve(".runbook")).stopSampleService(services);
    }
  }

  private static Result runbook(String... args) {
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = config.toString();
    return ChildJvm.run(env, QUICK, withConfig);
  }

  private static long orders() throws Exception {
    try (Connection c = TestPostgres.connect(Demo.SHOP_DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aDumpImportedFromTheCliIsListedWithItsOriginAndRestoredInOneCommand() throws Exception {
    long dumped = orders();
    Result imported = runbook("backup", "import", "shop", dump.toString(), "--as", "bob");
    Result again = runbook("backup", "import", "shop", dump.toString(), "--as", "alice");
    Result cut = runbook("backup", "import", "shop", truncated().toString(), "--as", "bob");

    assertThat(imported.exit()).as(imported.toString()).isZero();
    assertThat(imported.out()).startsWith("imported " + dump + " as backup import-")
        .contains("plain-gzip", "schema 3", "imported by bob from " + dump, "runbook_demo_shop on 127.0.0.1:");
    String id = imported.out().replaceAll("(?s).*as backup (import-[0-9a-f]{16}) .*", "$1");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.out()).startsWith("already imported: " + dump + " as backup " + id)
        .contains("imported by bob from " + dump);
    assertThat(cut.exit()).as(cut.toString()).isEqualTo(2);
    assertThat(cut.err()).contains("cannot be imported as a backup of databases.shop", "cut short");

    Result listed = runbook("backups", "shop");
    assertThat(listed.exit()).as(listed.toString()).isZero();
    assertThat(listed.out().lines().filter(l -> l.contains("import-")).toList()).singleElement()
        .satisfies(l -> assertThat(l).contains(id, " 3 ", "yes", "runbook_demo_shop on 127.0.0.1",
            "imported by bob from " + dump));

    TestPostgres.execute(Demo.SHOP_DB, "delete from orders where id > 1");
    Result started = runbook("start", "database", "shop", "-s", "P1", "-r", "orders lost: back to last night",
        "--as", "bob", "--mode", "restore", "--backup-file", dump.toString());
    assertThat(started.exit()).as(started.toString()).isZero();
    // Approvals count once the run shows what the restore discards (it measures after staging).
    for (int i = 0; i < 120 && !runbook("status", "rollback-shop", "--json").out().matches("(?s).*\"discards\"\\s*:\\s*\\{.*"); i++) {
      Thread.sleep(500);
    }
    assertThat(runbook("status", "rollback-shop").out()).contains("discards: the restore discards ");
    assertThat(runbook("approve", "rollback-shop", "--as", "alice").exit()).isZero();
    Result watched = runbook("watch", "rollback-shop");

    assertThat(watched.exit()).as(watched.toString()).isZero();
    assertThat(watched.out()).contains("Import " + dump + " as a backup of shop", "succeeded");
    assertThat(orders()).isEqualTo(dumped);
    Result status = runbook("status", "rollback-shop");
    assertThat(status.out()).contains("imported before as " + id);
  }

  private static Path truncated() throws Exception {
    byte[] whole = Files.readAllBytes(dump);
    return Files.write(dir.resolve("backups").resolve("db_shop_cut.sql.gz"),
        java.util.Arrays.copyOf(whole, whole.length / 2));
  }
}
