package dev.runbook.activities.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillReport.StepTime;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.StepState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The drills table on real PostgreSQL: written once however often retried, read back newest first. */
class DrillLogStoreTest {
  private static final Instant T = Instant.parse("2026-11-26T09:00:00Z");

  private HikariDataSource db;
  private final List<DrillReport> counted = new ArrayList<>();
  private DrillActivitiesImpl drills;

  @BeforeEach
  void setUp() {
    db = TestStore.fresh();
    drills = new DrillActivitiesImpl(db, counted::add, target -> "staging");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static DrillRequest request(String target, String tag) {
    return new DrillRequest(RunbookType.EMERGENCY, target, "v9-broken", DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), Duration.ofMinutes(10), "alice", "erin", tag);
  }

  private static DrillReport rolledBack(String id, String target, Duration took, Duration sla) {
    boolean met = took.compareTo(sla) <= 0;
    return new DrillReport(id, target, DrillOutcome.ROLLED_BACK, "rolled back", "v9-broken", "v8", true,
        DrillDetection.HEALTH_CHECK, Duration.ofSeconds(42), "rollback-" + target, Phase.SUCCEEDED, took,
        List.of(new StepTime("deploy", "Deploy v8", StepState.SUCCEEDED, Duration.ofSeconds(50)),
            new StepTime("verify", "Verify health", StepState.SUCCEEDED, Duration.ofSeconds(20))),
        sla, met, met ? sla.minus(took) : took.minus(sla), "approved by alice", 1, Duration.ofMinutes(5),
        DrillBreak.VERSION, null, null, null, null);
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> cols = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          cols.add(String.valueOf(rs.getObject(i)));
        }
        out.add(String.join("|", cols));
      }
    }
    return out;
  }

  @Test
  void aRetriedStartAndARetriedReportChangeNothingAndAreCountedOnce() throws Exception {
    String id = "drill-checkout-staging-1a2b3c4d";
    drills.started(id, request("checkout-staging", "1a2b3c4d"), "rollback-checkout-staging", T);
    List<String> afterStart = rows("select * from drills");
    drills.started(id, request("checkout-staging", "1a2b3c4d"), "rollback-checkout-staging", T.plusSeconds(30));
    assertThat(rows("select * from drills")).isEqualTo(afterStart).hasSize(1);

    DrillReport report = rolledBack(id, "checkout-staging", Duration.ofSeconds(80), Duration.ofMinutes(10));
    drills.finished(report, T.plusSeconds(200));
    List<String> afterReport = rows("select * from drills");
    drills.finished(report, T.plusSeconds(400));

    assertThat(rows("select * from drills")).isEqualTo(afterReport);
    assertThat(rows("select outcome, sla_met, time_to_rollback_ms, finished_at = started_at + interval '200 seconds'"
        + " from drills")).containsExactly("rolled-back|true|80000|true");
    assertThat(counted).containsExactly(report);
  }

  @Test
  void drillsComeNewestFirstByTargetWithTheirReportsAsStored() {
    DrillLogStore store = new DrillLogStore(db);
    drills.started("drill-checkout-staging-00000001", request("checkout-staging", "00000001"), null, T);
    drills.started("drill-cart-staging-00000002", request("cart-staging", "00000002"), null, T.plusSeconds(60));
    drills.started("drill-checkout-staging-00000003", request("checkout-staging", "00000003"), null,
        T.plusSeconds(120));
    DrillReport missed = rolledBack("drill-checkout-staging-00000001", "checkout-staging", Duration.ofMinutes(13),
        Duration.ofMinutes(10));
    drills.finished(missed, T.plusSeconds(900));

    assertThat(store.recent(10, null)).extracting(DrillLogEntry::workflowId).containsExactly(
        "drill-checkout-staging-00000003", "drill-cart-staging-00000002", "drill-checkout-staging-00000001");
    assertThat(store.recent(1, "checkout-staging")).extracting(DrillLogEntry::workflowId)
        .containsExactly("drill-checkout-staging-00000003");
    assertThat(store.recent(10, "nowhere")).isEmpty();

    DrillLogEntry running = store.find("drill-checkout-staging-00000003").orElseThrow();
    assertThat(running.finishedAt()).isNull();
    assertThat(running.outcome()).isNull();
    assertThat(running.report()).isNull();
    assertThat(running.sla()).isEqualTo(Duration.ofMinutes(10));
    assertThat(running.detection()).isEqualTo("health-check");
    assertThat(running.approver()).isEqualTo("alice");

    DrillLogEntry ended = store.find("drill-checkout-staging-00000001").orElseThrow();
    assertThat(ended.report()).isEqualTo(missed);
    assertThat(ended.report().verdict()).isEqualTo("SLA MISSED by 3m: rolled back in 13m of 10m");
    assertThat(ended.outcome()).isEqualTo("rolled-back");
    assertThat(ended.slaMet()).isFalse();
    assertThat(ended.slaDifference()).isEqualTo(Duration.ofMinutes(3));
    assertThat(ended.timeToDetect()).isEqualTo(Duration.ofSeconds(42));
    assertThat(ended.timeToRollBack()).isEqualTo(Duration.ofMinutes(13));
    assertThat(ended.restored()).isTrue();
    assertThat(ended.manualInterventions()).isEqualTo(1);
    assertThat(ended.rollbackWorkflowId()).isEqualTo("rollback-checkout-staging");
    assertThat(ended.finishedAt()).isEqualTo(T.plusSeconds(900));
    assertThat(store.find("drill-nowhere-00000000")).isEmpty();
  }
}
