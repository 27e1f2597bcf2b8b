package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.notification;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.AlertRef;
import dev.runbook.workflows.model.DecisionAction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTemplatesTest {
  private static Message render(NotificationKind kind, String detail, Duration duration) {
    return MessageTemplates.render(notification(kind, "k-" + kind, detail, duration));
  }

  /** The facts every message carries so a reader knows which run it is about. */
  private static void assertRunContext(Message m) {
    assertThat(m.text()).contains("Severity: P1", "Services: api", "Incident: INC-42",
        "Run: rollback-api");
  }

  @Test
  void startedSaysRollbackInProgressWithWhoWhySeverityServicesIncidentAndEta() {
    Message m = render(NotificationKind.STARTED, null, null);
    assertThat(m.title()).isEqualTo("ROLLBACK IN PROGRESS: api (P1)");
    assertThat(m.text()).contains("Who: alice", "Why: error rate 12% after deploy 1.4.0",
        "ETA: 10m", "./runbook watch rollback-api");
    assertRunContext(m);
  }

  @Test
  void approvalRequestedAsksTheRoleAndShowsTheExactCommands() {
    Notification n = Samples.to(
        notification(NotificationKind.APPROVAL_REQUESTED, "k", "times out in 15m", null),
        Audience.APPROVERS, "engineering-lead");
    Message m = MessageTemplates.render(n);
    assertThat(m.title()).isEqualTo("Approval needed: P1 emergency rollback of api");
    assertThat(m.text()).contains(
        "Someone with the role engineering-lead must approve",
        "Reason: error rate 12% after deploy 1.4.0",
        "Requested by: alice",
        "./runbook approve rollback-api --as NAME",
        "./runbook reject rollback-api --as NAME --reason \"WHY\"",
        "times out in 15m");
    assertRunContext(m);
  }

  @Test
  void escalatedSaysHowLongItHasWaitedAndWhoIsNext() {
    Notification n = Samples.to(
        notification(NotificationKind.ESCALATED, "k", null, Duration.ofMinutes(15)),
        Audience.ESCALATION, "vp-engineering");
    Message m = MessageTemplates.render(n);
    assertThat(m.title()).isEqualTo("Escalated: approval for api waiting 15m");
    assertThat(m.text()).contains("has waited 15m for approval", "escalating to vp-engineering",
        "./runbook approve rollback-api --as NAME");
    assertRunContext(m);
  }

  @Test
  void approvedNamesTheApproval() {
    Message m = render(NotificationKind.APPROVED, "approved by bob (engineering-lead)", null);
    assertThat(m.title()).isEqualTo("Approved: rollback of api goes on");
    assertThat(m.text()).contains("Approval: approved by bob (engineering-lead)");
    assertRunContext(m);
  }

  @Test
  void rejectedSaysItWillNotRunAndWhy() {
    Message m = render(NotificationKind.REJECTED, "rejected by bob: fix forward instead", null);
    assertThat(m.title()).isEqualTo("Rejected: rollback of api");
    assertThat(m.text()).contains("will not run", "Rejection: rejected by bob: fix forward");
    assertRunContext(m);
  }

  @Test
  void needsDecisionShowsTheFailedStepErrorAndTheDecideCommand() {
    Message m = MessageTemplates.render(Samples.decision(
        "step deploy failed: kubectl exited 1: ImagePullBackOff for api:1.3.2",
        List.of(DecisionAction.RETRY, DecisionAction.SKIP, DecisionAction.COMPENSATE, DecisionAction.ABORT)));
    assertThat(m.title()).isEqualTo("Decision needed: rollback of api is stuck");
    assertThat(m.text()).contains(
        "Failed step: step deploy failed: kubectl exited 1: ImagePullBackOff for api:1.3.2",
        "./runbook decide rollback-api retry|skip|compensate|abort --as NAME",
        "compensate  undo what the run has done so far");
    assertRunContext(m);
  }

  @Test
  void needsDecisionOffersOnlyTheChoicesTheRunOffers() {
    Message m = MessageTemplates.render(Samples.decision(
        "step resolve-target failed: unknown version v9 [UNKNOWN_VERSION]",
        List.of(DecisionAction.RETRY, DecisionAction.ABORT)));
    assertThat(m.text())
        .contains("./runbook decide rollback-api retry|abort --as NAME")
        .contains("retry       run the failed step again")
        .contains("abort       stop the run here")
        .doesNotContain("skip")
        .doesNotContain("compensate");
    assertThat(blockTexts(m)).noneMatch(t -> t.contains("skip") || t.contains("compensate"));

    Message unknown = MessageTemplates.render(Samples.decision("step deploy failed: boom", null));
    assertThat(unknown.text())
        .contains("Decide: ./runbook status rollback-api lists the choices")
        .doesNotContain("retry|");
  }

  @Test
  void resolvedShowsFromToAndDuration() {
    Message m = render(NotificationKind.RESOLVED, "1.4.0 -> 1.3.2", Duration.ofSeconds(252));
    assertThat(m.title()).isEqualTo("Resolved: api rolled back (P1)");
    assertThat(m.text()).startsWith("Resolved:")
        .contains("Rolled back: 1.4.0 -> 1.3.2", "Duration: 4m12s",
            "Reason: error rate 12% after deploy 1.4.0");
    assertRunContext(m);
  }

  @Test
  void reportCarriesTheWholeStatusReport() {
    String report = "api      1.4.0 -> 1.3.2  healthy\nworker   2.0.1 -> 2.0.0  healthy\n"
        + "database V12 -> V11        integrity ok";
    Message m = render(NotificationKind.REPORT, report, Duration.ofMinutes(9));
    assertThat(m.title()).isEqualTo("Rollback report: api (P1)");
    assertThat(m.text()).contains(report, "Duration: 9m");
    assertRunContext(m);
  }

  @Test
  void regressionSaysWhatFailedAndWhenAfterTheRollback() {
    Message m = render(NotificationKind.REGRESSION, "health check /healthz answered 503",
        Duration.ofMinutes(6));
    assertThat(m.title()).isEqualTo("REGRESSION after rollback: api (P1)");
    assertThat(m.text()).contains("Problem: health check /healthz answered 503",
        "Since rollback: 6m", "./runbook status rollback-api");
    assertRunContext(m);
  }

  @Test
  void recoveredSaysHealthyAgain() {
    Message m = render(NotificationKind.RECOVERED, "/healthz 200 three times", Duration.ofMinutes(8));
    assertThat(m.title()).isEqualTo("Recovered: api healthy again");
    assertThat(m.text()).contains("healthy again", "Check: /healthz 200 three times",
        "Since rollback: 8m");
    assertRunContext(m);
  }

  @Test
  void compensatedSaysWhatWasUndone() {
    Message m = render(NotificationKind.COMPENSATED, "redeployed 1.4.0, restored backup b-17",
        Duration.ofMinutes(12));
    assertThat(m.title()).isEqualTo("Compensated: rollback of api undone");
    assertThat(m.text()).contains("safety backup is restored",
        "Detail: redeployed 1.4.0, restored backup b-17", "Duration: 12m");
    assertRunContext(m);
  }

  @Test
  void timedOutSaysHowLongNobodyApproved() {
    Message m = render(NotificationKind.TIMED_OUT, null, Duration.ofHours(1));
    assertThat(m.title()).isEqualTo("Timed out: rollback of api got no approval");
    assertThat(m.text()).contains("Nobody approved the emergency rollback of api in 1h",
        "the run was aborted");
    assertRunContext(m);
  }

  @Test
  void abortedGivesTheReason() {
    Message m = render(NotificationKind.ABORTED, "aborted by carol: wrong service",
        Duration.ofMinutes(3));
    assertThat(m.title()).isEqualTo("Aborted: rollback of api");
    assertThat(m.text()).contains("was aborted", "Detail: aborted by carol: wrong service",
        "Duration: 3m");
    assertRunContext(m);
  }

  @Test
  void cancelledGivesTheReason() {
    Message m = render(NotificationKind.CANCELLED, "cancelled by alice", Duration.ofMinutes(1));
    assertThat(m.title()).isEqualTo("Cancelled: rollback of api");
    assertThat(m.text()).contains("was cancelled", "Detail: cancelled by alice");
    assertRunContext(m);
  }

  @Test
  void failedGivesTheErrorAndSaysToCheckByHand() {
    Message m = render(NotificationKind.FAILED, "verify: version is 1.4.0, expected 1.3.2",
        Duration.ofMinutes(7));
    assertThat(m.title()).isEqualTo("FAILED: rollback of api (P1)");
    assertThat(m.text()).contains("Check the services by hand now",
        "Error: verify: version is 1.4.0, expected 1.3.2", "Duration: 7m");
    assertRunContext(m);
  }

  @Test
  void armedSaysTheRollbackGoesAheadWhenTheWindowEndsUnlessFixed() {
    Message m = MessageTemplates.render(Samples.armed(null));
    assertThat(m.title()).isEqualTo("ARMED: rollback of api in 15 min unless fixed (P1)");
    assertThat(m.text()).contains(
        "The emergency rollback of api is armed: api v2 -> v1 goes ahead at 2026-03-01 02:15:00 UTC unless it is"
            + " fixed forward and disarmed first.",
        "Rolls back: api v2 -> v1", "At: 2026-03-01 02:15:00 UTC", "Window: 15 min", "Armed by: alice",
        "Disarm: ./runbook disarm rollback-api --as NAME --reason \"fixed forward\"", "Follow: ./runbook watch rollback-api");
    assertRunContext(m);

    Message byAlert = MessageTemplates.render(Samples.armed(new AlertRef("high-error-rate", "HighErrorRate", "c2f1a9")));
    assertThat(byAlert.text()).contains(
        "Armed by: the alert HighErrorRate (route high-error-rate, fingerprint c2f1a9)",
        "(or the alert resolving disarms it)");
  }

  @Test
  void disarmedSaysNothingWasChangedAndWhoDisarmedIt() {
    Message m = render(NotificationKind.DISARMED, "disarmed by bob: fixed forward; nothing was changed",
        Duration.ofMinutes(4));
    assertThat(m.title()).isEqualTo("Disarmed: rollback of api will not happen");
    assertThat(m.text()).contains("was disarmed before its window ended. Nothing was changed.",
        "Disarmed: disarmed by bob: fixed forward; nothing was changed", "After: 4m");
    assertRunContext(m);
  }

  @Test
  void aDryRunsArmedMessagePlansTheWaitAndWaitsForNothing() {
    Message m = MessageTemplates.render(Samples.dryRun(Samples.armed(null)));
    assertThat(m.title()).isEqualTo("DRY RUN: armed rollback of api planned (15 min window) (P1)");
    assertThat(m.text()).contains("The dry run of the emergency rollback of api plans the armed window: a real run"
        + " would tell the team, wait 15 min for a fix forward, then roll back api v2 -> v1 unless disarmed."
        + " Nothing is changed and nothing waits.");
  }

  @Test
  void everyKindHasATemplate() {
    for (NotificationKind kind : NotificationKind.values()) {
      Message m = render(kind, "detail of " + kind, Duration.ofMinutes(2));
      assertThat(m.title()).as(kind.name()).isNotBlank();
      assertThat(m.text()).as(kind.name()).contains("detail of " + kind);
    }
  }

  @Test
  void aDryRunSaysSoInTitleTextAndBlocks() {
    Message m = MessageTemplates.render(Samples.dryRun(Samples.started("k")));
    assertThat(m.title()).isEqualTo("DRY RUN: rollback of api being planned (P1)");
    assertThat(m.text()).startsWith("DRY RUN: this is a plan; nothing was changed.")
        .contains("alice started the dry run of the emergency rollback of api: every action is planned,"
            + " nothing is changed and no service is held.");
    assertThat(blockTexts(m)).anyMatch(t -> t.contains("DRY RUN"));
  }

  @Test
  void noDryRunMessageReadsAsIfARollbackHappened() {
    for (NotificationKind kind : NotificationKind.values()) {
      Message m = MessageTemplates.render(Samples.dryRun(
          notification(kind, "k-" + kind, "api: would roll back from v2 to v1", Duration.ofSeconds(3))));
      assertThat(m.title()).as(kind.name()).startsWith("DRY RUN: ");
      String all = m.title() + "\n" + m.text() + "\n" + String.join("\n", blockTexts(m));
      assertThat(all).as(kind.name())
          .contains("DRY RUN: this is a plan; nothing was changed.", "Run: rollback-api")
          .doesNotContainIgnoringCase("rollback in progress")
          .doesNotContainIgnoringCase("rolled back")
          .doesNotContainIgnoringCase("healthy on")
          .doesNotContain("Resolved", "is done and verified", "Check the services by hand now");
    }
    Message resolved = MessageTemplates.render(Samples.dryRun(notification(NotificationKind.RESOLVED, "k",
        "api: would roll back from v2 to v1, then check health, version, smoke checks and error rate", null)));
    assertThat(resolved.title()).isEqualTo("DRY RUN: plan ready for api (P1)");
    assertThat(resolved.text()).contains("The dry run of the emergency rollback of api planned every step;"
        + " nothing was changed.", "Would do: api: would roll back from v2 to v1, then check health");
  }

  @Test
  void renderingIsDeterministic() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Notification n = notification(NotificationKind.NEEDS_DECISION, "k", "deploy failed", null);
    assertThat(json.writeValueAsString(MessageTemplates.render(n)))
        .isEqualTo(json.writeValueAsString(MessageTemplates.render(n)));
  }

  @Test
  void slackBlocksHaveAHeaderTheFactsEscapedAndTheCommandsAsCode() {
    Message m = MessageTemplates.render(Samples.to(
        notification(NotificationKind.APPROVAL_REQUESTED, "k", "a <b> & c", null),
        Audience.APPROVERS, "engineering-lead"));
    Map<String, Object> header = m.blocks().get(0);
    assertThat(header).containsEntry("type", "header");
    assertThat(header.get("text")).isEqualTo(
        Map.of("type", "plain_text", "text", "Approval needed: P1 emergency rollback of api"));
    List<String> texts = blockTexts(m);
    assertThat(texts).anyMatch(t -> t.contains("*Severity:* P1") && t.contains("a &lt;b&gt; &amp; c"));
    assertThat(texts).anyMatch(t -> t.contains("`./runbook approve rollback-api --as NAME`"));
    assertThat(texts).noneMatch(t -> t.contains("<b>"));
  }

  @Test
  void aLongReportIsSplitWithinSlackLimits() {
    String report = "step ".repeat(20).concat("ok\n").repeat(2000);
    Message m = render(NotificationKind.REPORT, report, Duration.ofMinutes(1));
    assertThat(m.blocks()).hasSizeLessThanOrEqualTo(50);
    assertThat(blockTexts(m)).allMatch(t -> t.length() <= 3000);
    assertThat(m.text()).contains(report.strip());
  }

  @SuppressWarnings("unchecked")
  private static List<String> blockTexts(Message m) {
    return m.blocks().stream()
        .filter(b -> b.get("text") instanceof Map)
        .map(b -> (String) ((Map<String, Object>) b.get("text")).get("text"))
        .toList();
  }
}
