package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.support.Webhook;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled backups in a dev stack on the embedded Temporal server (the Java test server, real
 * time: it has no Temporal Schedules, and its clock cannot be skipped here): a database whose
 * schedule says every minute gets a backup run within the minute, in the rollback log and the
 * catalog of backups; one that cannot be reached fails, and the team hears of each failed run once.
 */
class ScheduledBackupsDevIT {
  private static final Duration FIRING = Duration.ofSeconds(100);

  @TempDir Path dir;

  @Test
  void aScheduleFiresOnTheEmbeddedServerAndAFailedBackupTellsTheTeamOnce() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalPostgres pg = TestPostgres.server();
    String shop = TestPostgres.freshDatabase("scheduled");
    TestPostgres.execute(shop, "create table orders (id int primary key)", "insert into orders values (1)");
    try (Webhook hook = new Webhook();
        AuditDatabase audit = AuditDatabase.open(new AuditDatabase.Server(pg.host(), pg.port(), pg.user(),
            pg.password(), TestPostgres.freshDatabase("scheduled_log")))) {
      Path config = writeConfig(pg, shop, hook);
      Settings settings = new Settings(ConfigLoader.load(config, Map.of("DB_PASSWORD", pg.password().reveal())::get),
          config.getParent(), config.toString());
      try (Processes.DevStack stack = new Processes.DevStack(settings, audit,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
        assertThat(stack.schedules).containsExactly(
            "schedule of shop started: backup * * * * * (UTC), cleanup 15 4 * * * (UTC)",
            "schedule of nowhere started: backup * * * * * (UTC), cleanup 15 4 * * * (UTC)");

        await(() -> count(audit, "select count(*) from runs where runbook = 'backup' and services = '{shop}'"
            + " and outcome = 'succeeded' and requested_by = 'schedule'") >= 1);
        await(() -> count(audit, "select count(*) from runs where runbook = 'backup' and services = '{nowhere}'"
            + " and outcome = 'failed'") >= 1);

        assertThat(count(audit, "select count(*) from backups b join runs r on r.workflow_id = b.workflow_id"
            + " where b.database = 'shop' and b.verified and r.runbook = 'backup' and b.step = 'backup'")).isPositive();
        assertThat(strings(audit, "select reason from runs where runbook = 'backup' and services = '{shop}'"))
            .first().isEqualTo("scheduled backup (* * * * * (UTC))");
        assertThat(strings(audit, "select message from runs where services = '{nowhere}' and outcome = 'failed'"))
            .first().asString().contains("DatabaseBackup", "not reachable", "UNAVAILABLE");
        List<String> failed = strings(audit, "select workflow_id from runs where services = '{nowhere}'"
            + " and outcome = 'failed'");
        for (String run : failed) {
          assertThat(hook.kindsAbout(run)).as(run).containsExactly("FAILED");
        }
        assertThat(hook.kindsAbout("backup-shop-")).as("a backup that worked is quiet").isEmpty();
      }
    }
  }

  private Path writeConfig(LocalPostgres pg, String shop, Webhook hook) throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Map<String, Object> shopDb = new LinkedHashMap<>();
    shopDb.put("host", pg.host());
    shopDb.put("port", pg.port());
    shopDb.put("database", shop);
    shopDb.put("user", pg.user());
    shopDb.put("password", "${DB_PASSWORD}");
    shopDb.put("backup", Map.of("schedule", "* * * * *"));
    Map<String, Object> nowhere = new LinkedHashMap<>(shopDb);
    nowhere.put("host", "127.0.0.1");
    nowhere.put("port", closed);
    nowhere.put("database", "nowhere");
    Map<String, Object> databases = new LinkedHashMap<>();
    databases.put("shop", shopDb);
    databases.put("nowhere", nowhere);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("temporal", Map.of("address", "embedded", "embeddedPort", 0));
    config.put("databases", databases);
    config.put("notify", Map.of("channels", Map.of("hook", Map.of("kind", "webhook", "url", hook.url())),
        "routing", Map.of("team", List.of("hook"), "escalation", List.of("hook"))));
    config.put("worker", Map.of("stateDir", dir.resolve(".runbook").toString(), "metricsListen", "127.0.0.1:0"));
    Path file = dir.resolve("runbook.yaml");
    new YAMLMapper().writeValue(file.toFile(), config);
    return file;
  }

  private static void await(BooleanSupplier done) throws InterruptedException {
    Instant end = Instant.now().plus(FIRING);
    while (!done.getAsBoolean()) {
      assertThat(Instant.now()).as("within " + FIRING + " of the schedule's start").isBefore(end);
      Thread.sleep(500);
    }
  }

  private static long count(AuditDatabase audit, String sql) {
    try (Connection c = audit.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> strings(AuditDatabase audit, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = audit.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
