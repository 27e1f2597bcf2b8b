package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runbook.activities.database.BackupCatalog;
import dev.runbook.activities.database.DatabaseActivitiesImpl;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.support.TestPostgres;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.support.Platform;
import dev.runbook.workflows.activities.DatabaseActivities.BackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.DiscardReport;
import dev.runbook.workflows.activities.DatabaseActivities.TableDiscard;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.DatabaseRollbackResult;
import dev.runbook.workflows.model.PendingApproval;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged restore of a real database that was written to after its backup, through the whole
 * runbook on the embedded server with the worker's own adapters: the figures the approvers see
 * before they vote equal a direct comparison of the live database with the staged copy, a vote is
 * taken only then, and after the swap the salvage script, run with psql, puts the discarded rows
 * (also those written after the figures were shown) back into the restored database.
 */
class RestoreDiscardIT {
  @TempDir Path dir;

  @Test
  void theApproversSeeWhatTheRestoreDiscardsAndTheSalvageScriptPutsItBack() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalPostgres pg = TestPostgres.server();
    String shop = TestPostgres.freshDatabase("discard_it");
    pg.createDatabase(shop);
    TestPostgres.execute(shop,
        "create table orders (id serial primary key, item text not null, updated_at timestamptz not null)",
        "insert into orders (item, updated_at) select 'item ' || g, timestamptz '2026-11-26 10:00:00+00'"
            + " from generate_series(1, 100) g",
        "create table events (payload text)",
        "insert into events select 'seen ' || g from generate_series(1, 10) g");
    Map<String, String> env = Map.of("DB_PASSWORD", pg.password().reveal());
    Path config = writeConfig(pg, shop);
    Settings settings = new Settings(ConfigLoader.load(config, env::get), config.getParent(), config.toString());
    try (AuditDatabase audit = AuditDatabase.open(new AuditDatabase.Server(pg.host(), pg.port(), pg.user(),
            pg.password(), TestPostgres.freshDatabase("discard_it_log")));
        Processes.DevStack stack = new Processes.DevStack(settings, audit,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null, env::get)) {
      DatabaseActivitiesImpl outside = new DatabaseActivitiesImpl(settings.config().databases(), settings.backupDir(),
          settings.baseDir(), Clock.systemUTC(), new BackupCatalog(audit.dataSource()));
      outside.backup(new BackupRequest("shop", "nightly/" + shop, false));
      new ServiceActivitiesImpl(settings.config().services(), settings.baseDir(), settings.stateDir())
          .deploy(new DeployRequest("api", "1.4.0", "ci/api/1.4.0/" + shop, false)); // the writer runs

      // The life of the database after its backup: new orders, changed and deleted ones, events.
      TestPostgres.execute(shop,
          "insert into orders (item, updated_at) select 'late ' || g, timestamptz '2026-11-27 02:14:00+00'"
              + " from generate_series(101, 107) g",
          "update orders set item = 'changed', updated_at = timestamptz '2026-11-27 02:10:00+00' where id in (1, 2, 3)",
          "delete from orders where id in (98, 99)",
          "insert into events values ('late 1'), ('late 2'), ('late 3'), ('late 4')");

      Runbooks.Started started = stack.runbooks.start(new DatabaseRollbackRequest(
          "api", "shop", Severity.P1, "orders corrupted by the 02:00 job", "erin", false, null,
          DatabaseMode.RESTORE, null, null, null, null, null, List.of("api"), null));
      PendingApproval shown = awaitFigures(stack.runbooks, started.workflowId());

      String staging = staging(shop);
      Map<String, Integer> direct = compare(rows(shop, "select id, item, updated_at from orders"),
          rows(staging, "select id, item, updated_at from orders"));
      DiscardReport d = shown.discards();
      TableDiscard orders = table(d, "public.orders");
      assertThat(orders.byPrimaryKey()).isTrue();
      assertThat(List.of(orders.inserted(), orders.updated(), orders.deleted()))
          .isEqualTo(List.of((long) direct.get("inserted"), (long) direct.get("updated"), (long) direct.get("deleted")))
          .isEqualTo(List.of(7L, 3L, 2L));
      assertThat(orders.newestColumn()).isEqualTo("updated_at");
      assertThat(orders.newestChange()).isEqualTo(Instant.parse("2026-11-27T02:14:00Z"));
      TableDiscard events = table(d, "public.events");
      assertThat(events.byPrimaryKey()).isFalse();
      assertThat(events.inserted()).isEqualTo(4);
      assertThat(shown.plan()).anySatisfy(l -> assertThat(l).startsWith("shop: restore backup "));

      // A last order comes in after the figures were shown, before the writers stop.
      TestPostgres.execute(shop, "insert into orders (item, updated_at) values ('very late', timestamptz '2026-11-27 02:20:00+00')");
      Map<String, String> before = rows(shop, "select id, item, updated_at from orders");
      List<String> eventsBefore = sorted(rows(shop, "select ctid, payload from events").values());

      stack.runbooks.approve(started.workflowId(), "alice", "restore it", shown.planHash());
      DatabaseRollbackResult result = stack.runbooks.temporal().newUntypedWorkflowStub(started.workflowId())
          .getResult(3, TimeUnit.MINUTES, DatabaseRollbackResult.class);
      assertThat(result.report().outcome()).as(result.report().message()).isEqualTo(Phase.SUCCEEDED);
      assertThat(result.report().steps()).filteredOn(s -> s.id().equals("salvage")).singleElement()
          .satisfies(s -> assertThat(s.detail()).startsWith("kept 17 rows the restore discards from 2 table(s) in "));
      assertThat(rows(shop, "select id, item, updated_at from orders")).hasSize(100).doesNotContainKey("108");

      applyScript(pg, shop, d.script());
      assertThat(rows(shop, "select id, item, updated_at from orders")).isEqualTo(before);
      assertThat(sorted(rows(shop, "select ctid, payload from events").values())).isEqualTo(eventsBefore);
      applyScript(pg, shop, d.script()); // twice: the same state
      assertThat(rows(shop, "select id, item, updated_at from orders")).isEqualTo(before);
      // The application's next order takes a new key: the sequence moved past the keys put back.
      assertThat(rows(shop, "insert into orders (item, updated_at) values ('next', now()) returning id, item"))
          .containsOnlyKeys("109");
    }
  }

  private PendingApproval awaitFigures(Runbooks runbooks, String id) throws InterruptedException {
    RunStatus s = null;
    for (int i = 0; i < 600; i++) {
      s = runbooks.status(id);
      assertThat(s.phase().terminal()).as(s.outcomeMessage()).isFalse();
      if (s.pendingApproval() != null && s.pendingApproval().discards() != null) {
        assertThat(s.pendingApproval().votesWaitFor()).isNull();
        return s.pendingApproval();
      }
      if (s.pendingApproval() != null && s.pendingApproval().votesWaitFor() != null) {
        assertThat(s.pendingApproval().plan()).isNotEmpty();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the figures never came: " + s);
  }

  private static TableDiscard table(DiscardReport report, String name) {
    return report.tables().stream().filter(t -> t.table().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + report.tables()));
  }

  private static String staging(String live) throws SQLException {
    try (Connection c = TestPostgres.connect("postgres"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select datname from pg_database where datname like '" + live + "\\_\\_rb\\_%'")) {
      assertThat(rs.next()).as("a staging database next to " + live).isTrue();
      return rs.getString(1);
    }
  }

  /** Rows by their first column, the rest as text. */
  private static Map<String, String> rows(String db, String sql) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = TestPostgres.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 2; i <= n; i++) {
          row.append(rs.getString(i)).append('|');
        }
        out.put(rs.getString(1), row.toString());
      }
    }
    return out;
  }

  /** The direct comparison, by key: what the live side has that the staged copy lacks, and so on. */
  private static Map<String, Integer> compare(Map<String, String> live, Map<String, String> staged) {
    Map<String, Integer> c = new HashMap<>(Map.of("inserted", 0, "updated", 0, "deleted", 0));
    live.forEach((k, v) -> {
      if (!staged.containsKey(k)) {
        c.merge("inserted", 1, Integer::sum);
      } else if (!staged.get(k).equals(v)) {
        c.merge("updated", 1, Integer::sum);
      }
    });
    staged.keySet().stream().filter(k -> !live.containsKey(k)).forEach(k -> c.merge("deleted", 1, Integer::sum));
    return c;
  }

  private static List<String> sorted(java.util.Collection<String> values) {
    List<String> out = new ArrayList<>(values);
    out.sort(null);
    return out;
  }

  private static void applyScript(LocalPostgres pg, String db, String script) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", pg.host(),
        "-p", Integer.toString(pg.port()), "-U", pg.user(), "-d", db, "-f", script).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", pg.password().reveal());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private Path writeConfig(LocalPostgres pg, String shop) throws IOException {
    Map<String, Object> api = new Platform(dir).service("api");
    Map<String, Object> db = new LinkedHashMap<>();
    db.put("host", pg.host());
    db.put("port", pg.port());
    db.put("database", shop);
    db.put("user", pg.user());
    db.put("password", "${DB_PASSWORD}");
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("temporal", Map.of("address", "embedded", "embeddedPort", 0));
    config.put("people", List.of(
        Map.of("name", "erin", "roles", List.of("on-call")),
        Map.of("name", "alice", "roles", List.of("engineering-lead")),
        Map.of("name", "bob", "roles", List.of("engineering-manager"))));
    config.put("services", Map.of("api", api));
    config.put("databases", Map.of("shop", db));
    config.put("notify", Map.of("channels", Map.of("terminal", Map.of("kind", "console")),
        "routing", Map.of("team", List.of("terminal"))));
    config.put("worker", Map.of("stateDir", dir.resolve("state").toString(), "metricsListen", "127.0.0.1:0",
        "backupDir", dir.resolve("backups").toString()));
    Path file = dir.resolve("runbook.yaml");
    new YAMLMapper().writeValue(file.toFile(), config);
    return file;
  }
}
