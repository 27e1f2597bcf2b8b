package dev.runbook.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void aDrillsReportGoesToTheChannelsItNamesOnlyAndAnUnknownOneIsRefusedNamingTheKnown() {
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    NotifySettings settings = new NotifySettings(
        java.util.Map.of("incidents", ChannelSettings.console(), "drills", ChannelSettings.console()),
        new Routing(Routing.Route.of(List.of("incidents")), null, null));
    NotifyActivitiesImpl notifier = new NotifyActivitiesImpl(settings, new InMemoryDeliveryLog(),
        new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8),
        JsonPost.defaultClient());
    Notification base = of(NotificationKind.DRILL_REPORT, "drill-checkout-staging-0123abcd", "drill of checkout-staging",
        "SLA met: rolled back in 1m of 10m");
    Notification told = new Notification("drill-checkout-staging-0123abcd/report", base.kind(), base.audience(), null,
        base.workflowId(), base.runbook(), null, base.services(), base.reason(), base.requestedBy(), null,
        base.detail(), base.duration(), base.eta(), false, null, null, List.of("drills"));

    assertThat(notifier.send(told).deliveredTo()).containsExactly("drills");
    // Without channels of its own, it goes where the team's messages go.
    assertThat(notifier.send(of(NotificationKind.DRILL_REPORT, "drill-checkout-staging-0123abcd", "x", "y"))
        .deliveredTo()).containsExactly("incidents");
    Notification unknown = new Notification("k2", base.kind(), base.audience(), null, base.workflowId(),
        base.runbook(), null, base.services(), base.reason(), base.requestedBy(), null, base.detail(), null, null,
        false, null, null, List.of("pager"));
    assertThatThrownBy(() -> notifier.send(unknown)).hasMessageContaining(
        "k2 names channels these workers do not have: pager (known: drills, incidents)");
    assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8).split("DRILL checkout-staging", -1))
        .as("two reports printed, the refused one not").hasSize(3);
  }
}
