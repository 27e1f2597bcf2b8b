package dev.runbook.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkflowIdsTest {
  @Test
  void aDryRunTakesAnIdOfItsOwnBesideTheBusinessId() {
    assertThat(WorkflowIds.forDryRun("rollback-api", "1a2b3c4d")).isEqualTo("dryrun-api-1a2b3c4d");
    assertThat(WorkflowIds.forDryRun(WorkflowIds.forEnvironment("prod"), "00ff00ff"))
        .isEqualTo("dryrun-full-prod-00ff00ff");
    assertThat(WorkflowIds.isDryRun("dryrun-api-1a2b3c4d")).isTrue();
    assertThat(WorkflowIds.isDryRun("rollback-api")).isFalse();
  }

  @Test
  void everyShapeOfRunIdIsKnownAndNothingElse() {
    assertThat(WorkflowIds.isRunId("rollback-api")).isTrue();
    assertThat(WorkflowIds.isRunId("rollback-full-prod")).isTrue();
    assertThat(WorkflowIds.isRunId("dryrun-api-1a2b3c4d")).isTrue();
    assertThat(WorkflowIds.isRunId("dryrun-full-prod-1a2b3c4d")).isTrue();
    assertThat(WorkflowIds.isRunId("dryrun-api")).isFalse();
    assertThat(WorkflowIds.isRunId("dryrun-api-XYZ")).isFalse();
    assertThat(WorkflowIds.isRunId("rollback-API")).isFalse();
    assertThat(WorkflowIds.isRunId("other-api")).isFalse();
    assertThat(WorkflowIds.isRunId(null)).isFalse();
  }

  @Test
  void aBadTagOrBusinessIdIsRefusedNamingIt() {
    assertThatThrownBy(() -> WorkflowIds.forDryRun("rollback-api", "n_replay"))
        .hasMessageContaining("eight hex digits, not 'n_replay'");
    assertThatThrownBy(() -> WorkflowIds.forDryRun("dryrun-api-1a2b3c4d", "1a2b3c4d"))
        .hasMessageContaining("is not a business ID");
  }

  @Test
  void backupsAndCleanupsTakeIdsOfTheirOwnThatHoldNoService() {
    assertThat(WorkflowIds.forBackup("shop", "1a2b3c4d")).isEqualTo("backup-shop-1a2b3c4d");
    assertThat(WorkflowIds.forCleanup("shop", "1a2b3c4d")).isEqualTo("cleanup-shop-1a2b3c4d");
    assertThat(WorkflowIds.forCleanup(null, "1a2b3c4d")).isEqualTo("cleanup-1a2b3c4d");
    assertThat(WorkflowIds.forSchedule("shop")).isEqualTo("schedule-shop");
    assertThat(WorkflowIds.isRunId("backup-shop-1a2b3c4d")).isTrue();
    assertThat(WorkflowIds.isRunId("cleanup-shop-1a2b3c4d")).isTrue();
    assertThat(WorkflowIds.isRunId("cleanup-1a2b3c4d")).isTrue();
    assertThat(WorkflowIds.isRunId("backup-shop")).isFalse();
    assertThat(WorkflowIds.isRunId("schedule-shop")).isFalse();
    assertThat(WorkflowIds.isDryRun("cleanup-shop-1a2b3c4d")).isFalse();
    assertThatThrownBy(() -> WorkflowIds.forBackup("shop", "nightly"))
        .hasMessageContaining("eight hex digits, not 'nightly'");
  }

  @Test
  void aDrillTakesAnIdOfItsOwnWhileItsRunbookTakesTheTargetsBusinessId() {
    assertThat(WorkflowIds.forDrill("api-staging", "1a2b3c4d")).isEqualTo("drill-api-staging-1a2b3c4d");
    assertThat(WorkflowIds.isDryRun("drill-api-staging-1a2b3c4d")).isFalse();
    assertThat(WorkflowIds.forDrillSchedule("api-staging")).isEqualTo("drills-api-staging");
    assertThatThrownBy(() -> WorkflowIds.forDrill("api-staging", "monthly"))
        .hasMessageContaining("eight hex digits, not 'monthly'");
  }
}
