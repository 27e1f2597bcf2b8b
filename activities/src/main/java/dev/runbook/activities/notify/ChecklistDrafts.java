package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.MessageTemplates.blank;
import static dev.runbook.activities.notify.MessageTemplates.facts;
import static dev.runbook.activities.notify.MessageTemplates.with;

import dev.runbook.activities.notify.MessageTemplates.Draft;
import dev.runbook.activities.notify.MessageTemplates.Fact;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.policy.Durations;
import java.util.List;

/**
 * The messages of the checklist after a rollback: a reminder before a deadline, an item overdue,
 * every item done, closed with items open. The checklist sends the items as the detail and the
 * time since the rollback ended as the duration; {@code workflowId} is the run it follows.
 */
final class ChecklistDrafts {
  private ChecklistDrafts() {}

  static Draft draft(Notification n, List<Fact> context) {
    String services = n.services() == null || n.services().isEmpty() ? "(no service named)"
        : String.join(", ", n.services());
    String run = blank(n.workflowId()) ? "RUN" : n.workflowId();
    String detail = blank(n.detail()) ? null : n.detail().strip();
    String since = n.duration() == null ? null : Durations.human(n.duration());
    List<Fact> commands = List.of(
        new Fact("Checklist", "./runbook checklist " + run),
        new Fact("Done", "./runbook done " + run + " ITEM --as NAME"));
    return switch (n.kind()) {
      case CHECKLIST_REMINDER -> new Draft(
          "Reminder: post-rollback checklist of " + services + " due soon",
          "Items of the checklist after the rollback of " + services + " are due soon"
              + (blank(n.target()) ? "" : " (owner: " + n.target() + ")") + ".",
          with(facts("Items", detail, "Since rollback", since), context), null, commands);
      case CHECKLIST_OVERDUE -> new Draft(
          "OVERDUE: post-rollback checklist of " + services,
          "Items of the checklist after the rollback of " + services + " passed their deadline"
              + (blank(n.target()) ? "" : "; escalated to " + n.target()) + ".",
          with(facts("Items", detail, "Since rollback", since), context), null, commands);
      case CHECKLIST_DONE -> new Draft(
          "Checklist done: " + services,
          "Every item of the checklist after the rollback of " + services + " is done.",
          with(facts("Done", detail, "Since rollback", since), context), null, List.of());
      case CHECKLIST_CLOSED -> new Draft(
          "Checklist closed with items open: " + services,
          "The checklist after the rollback of " + services + " stopped chasing its open items.",
          with(facts("Open", detail, "Since rollback", since), context), null,
          List.of(new Fact("Checklist", "./runbook checklist " + run)));
      default -> throw new IllegalArgumentException(n.kind() + " is not a checklist message");
    };
  }
}
