package dev.runbook.activities.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.audit.DrillActivitiesImpl;
import dev.runbook.activities.config.ConfigActivitiesImpl;
import dev.runbook.activities.config.ConfigKey;
import dev.runbook.activities.config.ConfigSettings;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.activities.service.ProcessSettings;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.ConfigActivities.RestoreRequest;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import dev.runbook.workflows.activities.DrillBreakActivities.BreakRequest;
import dev.runbook.workflows.activities.DrillBreakActivities.BreakResult;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunbookType;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drill's configuration break on a real env file and its command break as a real child
 * process, with the drills table in PostgreSQL: each done once per drill, however often it runs.
 */
class DrillBreakActivitiesTest {
  private static final String GOOD = "# shop, staging\nDATABASE_URL=postgres://shop:pw-db-7781@db/shop\nLOG_LEVEL=info\n";

  @TempDir Path dir;
  private HikariDataSource db;
  private ConfigActivitiesImpl configs;
  private final Map<String, BreakSpec> specs = new HashMap<>();
  private DrillBreakActivitiesImpl breaks;

  @BeforeEach
  void setUp() throws Exception {
    db = TestStore.fresh();
    Files.writeString(dir.resolve(".env"), GOOD);
    ServiceSettings shop = new ServiceSettings("process", new ProcessSettings(List.of("shop", "{version}"), null,
        null, null, null), null, null, null, "http://127.0.0.1:1/health", null, null, null, null, null)
        .withConfig(new ConfigSettings(".env", null, null, null));
    configs = new ConfigActivitiesImpl(Map.of("shop", shop), dir, "", ConfigKey.parse(ConfigKey.newKey()), db,
        new ReleaseLedger(db, Clock.systemUTC()), Clock.systemUTC());
    breaks = new DrillBreakActivitiesImpl(db, specs::get, configs::overwrite);
    for (String id : List.of("drill-shop-0000000a", "drill-shop-0000000b")) {
      new DrillActivitiesImpl(db, r -> { }, t -> "staging").started(id, new DrillRequest(RunbookType.EMERGENCY,
          "shop", null, null, null, DrillDetection.HEALTH_CHECK, Duration.ofMinutes(5), Duration.ofMinutes(10), null,
          "erin", id.substring(id.length() - 8), DrillBreak.COMMAND, null), "rollback-shop", Instant.now());
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static BreakRequest request(String drill, DrillBreak mode) {
    return new BreakRequest(drill, "shop", "shop", mode);
  }

  @Test
  void aConfigurationBreakWritesItsValuesOnceKeepsWhatTheFileHadAndIsUndoneByARestore() throws Exception {
    specs.put("shop", new BreakSpec(DrillBreak.CONFIG, Map.of("DATABASE_URL", "postgres://nowhere:1/shop"), null,
        null, null, null));
    String before = configs.snapshot(new SnapshotRequest("shop", "drill-shop-0000000a", false)).snapshotId();

    BreakResult first = breaks.breakService(request("drill-shop-0000000a", DrillBreak.CONFIG));
    BreakResult again = breaks.breakService(request("drill-shop-0000000a", DrillBreak.CONFIG));

    assertThat(first.changed()).isTrue();
    assertThat(first.detail()).isEqualTo("wrote DATABASE_URL");
    assertThat(again.changed()).isFalse();
    assertThat(again.detail()).isEqualTo("had DATABASE_URL already");
    assertThat(Files.readString(dir.resolve(".env")))
        .isEqualTo("# shop, staging\nDATABASE_URL=postgres://nowhere:1/shop\nLOG_LEVEL=info\n");
    // No value in what the workflow sees.
    assertThat(first.toString()).doesNotContain("nowhere").doesNotContain("pw-db-7781");
    // The snapshot taken before the break puts the file back byte for byte.
    assertThat(configs.restore(new RestoreRequest("shop", before, "drill-shop-0000000a-restore-config", false))
        .changed()).isTrue();
    assertThat(Files.readString(dir.resolve(".env"))).isEqualTo(GOOD);
  }

  @Test
  void aBreakCommandAndItsUndoRunOncePerDrillWithTheDrillInTheirEnvironment() throws Exception {
    Path log = dir.resolve("ran.log");
    specs.put("shop", new BreakSpec(DrillBreak.COMMAND, null,
        List.of("sh", "-c", "echo \"break $DRILL_ID $DRILL_SERVICE\" >> " + log),
        List.of("sh", "-c", "echo \"undo $DRILL_TARGET\" >> " + log), null, Duration.ofSeconds(30)));

    BreakResult first = breaks.breakService(request("drill-shop-0000000a", DrillBreak.COMMAND));
    BreakResult again = breaks.breakService(request("drill-shop-0000000a", DrillBreak.COMMAND));
    breaks.undo(request("drill-shop-0000000a", DrillBreak.COMMAND));
    BreakResult undoAgain = breaks.undo(request("drill-shop-0000000a", DrillBreak.COMMAND));
    // Another drill of the same target runs them again.
    breaks.breakService(request("drill-shop-0000000b", DrillBreak.COMMAND));

    assertThat(first.changed()).isTrue();
    assertThat(first.detail()).startsWith("ran sh -c echo");
    assertThat(again.changed()).isFalse();
    assertThat(undoAgain.changed()).isFalse();
    assertThat(Files.readAllLines(log)).containsExactly(
        "break drill-shop-0000000a shop", "undo shop", "break drill-shop-0000000b shop");
    try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(
        "select break_with, broken_at is not null, undone_at is not null from drills order by workflow_id")) {
      rs.next();
      assertThat(List.of(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3))).containsExactly("command", true, true);
      rs.next();
      assertThat(List.of(rs.getBoolean(2), rs.getBoolean(3))).containsExactly(true, false);
    }
  }

  @Test
  void aFailingBreakCommandIsReportedWithItsExitAndOutputAndRunsAgainOnRetry() throws Exception {
    Path log = dir.resolve("ran.log");
    specs.put("shop", new BreakSpec(DrillBreak.COMMAND, null,
        List.of("sh", "-c", "echo tried >> " + log + "; echo 'deploy refused: pipeline locked' >&2; exit 3"), null, null,
        null));

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> breaks.breakService(request("drill-shop-0000000a", DrillBreak.COMMAND)))
          .isInstanceOfSatisfying(ApplicationFailure.class,
              f -> assertThat(f.getType()).isEqualTo(FailureType.COMMAND_FAILED.name()))
          .hasMessageContaining("the break command of drill drill-shop-0000000a")
          .hasMessageContaining("exited 3").hasMessageContaining("deploy refused: pipeline locked");
    }
    assertThat(Files.readAllLines(log)).containsExactly("tried", "tried");
    // Without an undo command, the restore has nothing to run.
    assertThat(breaks.undo(request("drill-shop-0000000a", DrillBreak.COMMAND)).detail()).isEqualTo("no undo command");
  }

  @Test
  void aBreakTheTargetHasNotConfiguredIsRefusedNamingTheFix() {
    specs.put("shop", new BreakSpec(DrillBreak.COMMAND, null, List.of("true"), null, null, null));

    assertThatThrownBy(() -> breaks.breakService(request("drill-shop-0000000a", DrillBreak.CONFIG)))
        .isInstanceOfSatisfying(ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(FailureType.INVALID_INPUT.name()))
        .hasMessageContaining("drill drill-shop-0000000a: no config break is configured for shop on these workers: add"
            + " break.config to its entry under drills in runbook.yaml, or break with a version");
  }
}
