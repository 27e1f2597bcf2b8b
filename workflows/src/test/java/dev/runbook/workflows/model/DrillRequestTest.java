package dev.runbook.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A drill request is checked like the runbooks' requests: every problem named, with its fix. */
class DrillRequestTest {
  private static DrillRequest drill(String approver) {
    return new DrillRequest(RunbookType.EMERGENCY, "api-staging", "v3-bad", DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), Duration.ofMinutes(10), approver, "erin", "1a2b3c4d");
  }

  @Test
  void aDrillWithAnApproverRunsItsRunbookAtP1AndWithoutOneAtP0() {
    assertThat(drill("alice").problems()).isEmpty();
    assertThat(drill("alice").severity()).isEqualTo(Severity.P1);
    assertThat(drill(null).severity()).isEqualTo(Severity.P0);
    assertThat(drill(null).workflowId()).isEqualTo("drill-api-staging-1a2b3c4d");
  }

  @Test
  void badRequestsAreRefusedNamingTheFieldAndTheFix() {
    DrillRequest bad = new DrillRequest(RunbookType.DATABASE, "API", null, null, Duration.ZERO, null, "erin",
        "erin", "x");
    assertThat(bad.problems()).containsExactly(
        "runbook 'database' cannot be drilled: use emergency (one service) or full (an environment)",
        "target 'API' is not a valid name: use lower-case letters, digits, '.', '_' or '-' (at most 63,"
            + " starting with a letter or digit)",
        "badVersion is required: name the known-bad version the drill deploys to break API",
        "detection is required: use health-check, error-rate, smoke-check or alert",
        "detectionLimit PT0S is out of range: give more than 0 and at most 24h, e.g. 5m",
        "sla is required: give a duration, e.g. 10m for a backend, 5m for a frontend",
        "approver 'erin' also requested the drill, and nobody approves their own run: name another drill"
            + " approver, or none to run the rollback at P0",
        "tag 'x' is not eight lower-case hex digits: the starter chooses it");
    assertThatThrownBy(bad::requireValid).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid drill request: runbook 'database'");
    assertThatThrownBy(() -> DrillDetection.parse("pager"))
        .hasMessage("detection 'pager' is not known: use health-check, error-rate, smoke-check or alert");
    assertThat(DrillDetection.parse("error-rate")).isEqualTo(DrillDetection.ERROR_RATE);
    assertThat(DrillDetection.parse("alert")).isEqualTo(DrillDetection.ALERT);
  }

  @Test
  void aConfigurationOrCommandBreakTakesNoVersionAndAlertLabelsGoWithDetectionByAlert() {
    DrillRequest config = new DrillRequest(RunbookType.EMERGENCY, "api", null, null, null, DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), Duration.ofMinutes(10), null, "erin", "1a2b3c4d", DrillBreak.CONFIG, null);
    assertThat(config.problems()).isEmpty();
    assertThat(config.brokenWith()).isEqualTo("a bad configuration");
    DrillRequest both = new DrillRequest(RunbookType.EMERGENCY, "api", null, null, "v3", DrillDetection.HEALTH_CHECK,
        Duration.ofMinutes(5), Duration.ofMinutes(10), null, "erin", "1a2b3c4d", DrillBreak.COMMAND,
        java.util.Map.of("team", "shop"));
    assertThat(both.problems()).containsExactly(
        "badVersion is for a version break: drop it, a command break takes what it writes or runs from the workers'"
            + " drills configuration",
        "alertLabels are for detection by alert: drop them, or detect with alert");
    DrillRequest fullConfig = new DrillRequest(RunbookType.FULL, "staging", java.util.List.of("api"), "api", null,
        DrillDetection.ALERT, Duration.ofMinutes(5), Duration.ofMinutes(10), null, "erin", "1a2b3c4d",
        DrillBreak.CONFIG, null);
    assertThat(fullConfig.problems()).singleElement().asString().startsWith("a configuration break is rehearsed with"
        + " the emergency runbook");
    assertThat(fullConfig.alertMatch()).isEqualTo(java.util.Map.of("service", "api"));
    assertThatThrownBy(() -> DrillBreak.parse("kill")).hasMessageStartingWith("break 'kill' is not known: use version");
  }

  @Test
  void aScheduleFiresTheDrillWithATagOfItsOwnAsTheScheduleAndChecksItsCronExpression() {
    DrillSchedule monthly = new DrillSchedule(drill("alice"), CronSchedule.utc("0 10 1 * *"));
    assertThat(monthly.problems()).isEmpty();
    DrillRequest fired = monthly.firing("0badcafe");
    assertThat(fired.workflowId()).isEqualTo("drill-api-staging-0badcafe");
    assertThat(fired.requestedBy()).isEqualTo(BackupJobRequest.SCHEDULE);
    assertThat(fired.approver()).isEqualTo("alice");

    assertThat(new DrillSchedule(drill("alice"), null).problems()).containsExactly(
        "schedule is required: give a cron expression, e.g. \"0 10 1 * *\" for 10:00 on the 1st of each month");
    assertThat(new DrillSchedule(drill("alice"), CronSchedule.utc("monthly")).problems()).singleElement()
        .asString().startsWith("schedule");
    assertThat(new DrillSchedule(drill("schedule"), CronSchedule.utc("@monthly")).problems()).singleElement()
        .asString().startsWith("approver 'schedule' also requested the drill");
  }

  @Test
  void aFullDrillNamesTheEnvironmentsServicesAndTheOneItBreaks() {
    DrillRequest full = new DrillRequest(RunbookType.FULL, "staging", java.util.List.of("api", "web"), "web", "w3-bad",
        DrillDetection.ERROR_RATE, Duration.ofMinutes(5), Duration.ofMinutes(30), null, "erin", "1a2b3c4d");
    assertThat(full.problems()).isEmpty();
    assertThat(full.broken()).isEqualTo("web");
    assertThat(full.restored()).containsExactly("api", "web");
    assertThat(full.workflowId()).isEqualTo("drill-staging-1a2b3c4d");

    assertThat(new DrillRequest(RunbookType.FULL, "staging", null, null, "w3-bad", DrillDetection.ERROR_RATE,
        Duration.ofMinutes(5), Duration.ofMinutes(30), null, "erin", "1a2b3c4d").problems()).containsExactly(
        "services is required for a full drill: list the environment's services in start order");
    assertThat(new DrillRequest(RunbookType.FULL, "staging", java.util.List.of("api", "api"), "db", "w3-bad",
        DrillDetection.ERROR_RATE, Duration.ofMinutes(5), Duration.ofMinutes(30), null, "erin", "1a2b3c4d").problems())
        .containsExactly("services lists a service twice: list each service once",
            "brokenService 'db' is not in services: name one of api, api");
    assertThat(new DrillRequest(RunbookType.EMERGENCY, "api", java.util.List.of("api"), null, "v3-bad",
        DrillDetection.ERROR_RATE, Duration.ofMinutes(5), Duration.ofMinutes(30), null, "erin", "1a2b3c4d").problems())
        .containsExactly("services and brokenService are for a full drill: drop them, the emergency drill breaks its"
            + " target");
  }
}
