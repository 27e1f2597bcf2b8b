package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.notification;
import static dev.runbook.activities.notify.Samples.to;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotificationKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The checklist's messages: who it is for, the items, the commands to see and tick them. */
class ChecklistMessagesTest {
  private static Message render(NotificationKind kind, Audience audience, String target, String detail) {
    return MessageTemplates.render(to(notification(kind, "k-" + kind, detail, Duration.ofMinutes(45)), audience,
        target));
  }

  @Test
  void aReminderNamesTheOwnerTheItemsAndHowToTickThem() {
    Message m = render(NotificationKind.CHECKLIST_REMINDER, Audience.APPROVERS, "on-call",
        "payments \"Payment processing working\" due 2026-11-27T05:00:00Z");

    assertThat(m.title()).isEqualTo("Reminder: post-rollback checklist of api due soon");
    assertThat(m.text()).contains("(owner: on-call)", "Payment processing working", "45m",
        "./runbook checklist rollback-api", "./runbook done rollback-api ITEM --as NAME");
  }

  @Test
  void overdueSaysWhoItEscalatedToAndTheSummaryAndClosingSayWhatWasDoneAndWhatIsOpen() {
    Message overdue = render(NotificationKind.CHECKLIST_OVERDUE, Audience.ESCALATION, "engineering-manager", "review");
    assertThat(overdue.title()).isEqualTo("OVERDUE: post-rollback checklist of api");
    assertThat(overdue.text()).contains("passed their deadline; escalated to engineering-manager", "Items: review");
    Message done = render(NotificationKind.CHECKLIST_DONE, Audience.TEAM, null, "all 2 items done: a by x, b by y");
    assertThat(done.title()).isEqualTo("Checklist done: api");
    assertThat(done.text()).contains("all 2 items done: a by x, b by y");
    Message closed = render(NotificationKind.CHECKLIST_CLOSED, Audience.TEAM, null, "closed with 1 open: review");
    assertThat(closed.title()).isEqualTo("Checklist closed with items open: api");
    assertThat(closed.text()).contains("closed with 1 open: review");
  }
}
