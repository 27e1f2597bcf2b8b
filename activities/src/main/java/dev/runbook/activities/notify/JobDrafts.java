package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.MessageTemplates.blank;
import static dev.runbook.activities.notify.MessageTemplates.facts;
import static dev.runbook.activities.notify.MessageTemplates.with;

import dev.runbook.activities.notify.MessageTemplates.Draft;
import dev.runbook.activities.notify.MessageTemplates.Fact;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.policy.Durations;
import java.util.List;
import java.util.Locale;

/**
 * The messages of a backup or a cleanup run. Such a run tells the team only when it does not
 * succeed, and nothing in its message may read as a rollback: no service was touched. A failed
 * scheduled backup says that no new backup exists and how to take one by hand.
 */
final class JobDrafts {
  private JobDrafts() {}

  static boolean isJob(Notification n) {
    return n.runbook() != null && !n.runbook().rollback();
  }

  static Draft draft(Notification n) {
    boolean backup = n.runbook() == RunbookType.BACKUP;
    String databases = n.services() == null || n.services().isEmpty() ? "every database" : String.join(", ", n.services());
    String job = n.runbook().id() + " of " + databases;
    String run = blank(n.workflowId()) ? "RUN" : n.workflowId();
    String took = n.duration() == null ? null : Durations.human(n.duration());
    String detail = blank(n.detail()) ? null : n.detail().strip();
    List<Fact> context = facts("Reason", n.reason(), "Requested by", n.requestedBy(), "Run", run);
    List<Fact> status = List.of(new Fact("Status", "./runbook status " + run));
    return switch (n.kind()) {
      case FAILED -> new Draft(
          "FAILED: " + job,
          backup
              ? "The " + job + " failed: no new backup of it was taken. Fix the cause, then take one with"
                  + " ./runbook backup " + databases + " (a schedule tries again at its next time)."
              : "The " + job + " failed: what retention would remove stays for now. Fix the cause; the next"
                  + " cleanup tries again, or run ./runbook backups prune.",
          with(facts("Error", detail, "Duration", took), context),
          null,
          status);
      default -> new Draft(
          capitalized(n.kind().name()) + ": " + job,
          "The " + job + " is " + n.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ".",
          with(facts("Detail", detail, "Duration", took), context),
          null,
          status);
    };
  }

  private static String capitalized(String kind) {
    String k = kind.toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(k.charAt(0)) + k.substring(1);
  }
}
