package dev.runbook.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A drill's report, and the mark on every message of the runbook a drill started. */
class DrillMessagesTest {

  private static Notification of(NotificationKind kind, String workflowId, String reason, String detail) {
    return new Notification("k", kind, Audience.TEAM, null, workflowId, RunbookType.EMERGENCY,
        kind == NotificationKind.DRILL_REPORT ? null : Severity.P0, List.of("checkout-staging"), reason, "erin",
        null, detail, Duration.ofMinutes(13), Duration.ofMinutes(10), false, null);
  }

  @Test
  void theReportLeadsWithItsVerdictAndCarriesEveryFigure() {
    Message m = MessageTemplates.render(of(NotificationKind.DRILL_REPORT, "drill-checkout-staging-0123abcd",
        "drill of checkout-staging: detected by the health check after 15s, rolled back in 13m, over SLA 10m by 3m;"
            + " checkout-staging restored to v8",
        "SLA MISSED by 3m: rolled back in 13m of 10m\nBroken with: v9-bad (ran v8)\nStaging restored: yes, to v8"));

    assertThat(m.title()).isEqualTo("DRILL checkout-staging: SLA MISSED by 3m: rolled back in 13m of 10m");
    assertThat(m.text()).contains("over SLA 10m by 3m", "Verdict: SLA MISSED by 3m", "Rolled back in: 13m",
        "SLA: 10m", "Drill: drill-checkout-staging-0123abcd", "Broken with: v9-bad (ran v8)",
        "Staging restored: yes, to v8", "./runbook drills checkout-staging");
  }

  @Test
  void everyMessageOfADrilledRunbookIsMarkedAndARealRunsIsNot() {
    for (NotificationKind kind : List.of(NotificationKind.STARTED, NotificationKind.RESOLVED, NotificationKind.FAILED)) {
      Message drilled = MessageTemplates.render(of(kind, "rollback-checkout-staging",
          "DRILL drill-checkout-staging-0123abcd: v9-bad deployed on purpose", "v9-bad to v8"));
      assertThat(drilled.title()).as(kind.name()).startsWith("[DRILL] ");
      Message real = MessageTemplates.render(of(kind, "rollback-checkout-staging", "error rate 12%", "v9 to v8"));
      assertThat(real.title()).as(kind.name()).doesNotContain("DRILL");
    }
  }
}
