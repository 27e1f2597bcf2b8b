package dev.runbook.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.RunbookType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the team reads when a backup or a cleanup run does not succeed: no word of a rollback. */
class JobDraftsTest {
  private static Notification failed(RunbookType type, List<String> databases, String run) {
    return new Notification("k", NotificationKind.FAILED, Audience.TEAM, null, run, type, null, databases,
        "scheduled backup (0 3 * * * (UTC))", "schedule", null,
        "DatabaseBackup: database 'shop' is not reachable [UNAVAILABLE]", Duration.ofSeconds(16), Duration.ofMinutes(30),
        false, null);
  }

  @Test
  void aFailedScheduledBackupSaysNoBackupWasTakenAndHowToTakeOne() {
    Message m = MessageTemplates.render(failed(RunbookType.BACKUP, List.of("shop"), "backup-shop-1a2b3c4d"));

    assertThat(m.title()).isEqualTo("FAILED: backup of shop");
    assertThat(m.text()).startsWith("The backup of shop failed: no new backup of it was taken. Fix the cause, then"
        + " take one with ./runbook backup shop (a schedule tries again at its next time).")
        .contains("Error: DatabaseBackup: database 'shop' is not reachable [UNAVAILABLE]", "Duration: 16s",
            "Reason: scheduled backup (0 3 * * * (UTC))", "Requested by: schedule", "Run: backup-shop-1a2b3c4d",
            "Status: ./runbook status backup-shop-1a2b3c4d")
        .doesNotContainIgnoringCase("rollback").doesNotContain("Severity");
  }

  @Test
  void aFailedCleanupOfEveryDatabaseSaysWhatStays() {
    Message m = MessageTemplates.render(failed(RunbookType.CLEANUP, List.of(), "cleanup-0f0f0f0f"));

    assertThat(m.title()).isEqualTo("FAILED: cleanup of every database");
    assertThat(m.text()).startsWith("The cleanup of every database failed: what retention would remove stays for now.")
        .doesNotContainIgnoringCase("rollback");
  }
}
