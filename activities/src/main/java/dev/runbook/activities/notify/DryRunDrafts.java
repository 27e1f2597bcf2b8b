package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.MessageTemplates.blank;
import static dev.runbook.activities.notify.MessageTemplates.facts;
import static dev.runbook.activities.notify.MessageTemplates.with;

import dev.runbook.activities.notify.MessageTemplates.Draft;
import dev.runbook.activities.notify.MessageTemplates.Fact;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.policy.Durations;
import java.util.List;
import java.util.Locale;

/**
 * The messages of a dry run. Each says DRY RUN in its title and reads as a plan: nothing in it
 * may read as if a rollback happened (no "ROLLBACK IN PROGRESS", no "rolled back", no "healthy
 * on"). A dry run plans its messages and sends none; these are the words the plan shows, and what
 * a channel would carry if one were ever sent.
 */
final class DryRunDrafts {
  static final String TITLE = "DRY RUN: ";

  private DryRunDrafts() {}

  static Draft draft(Notification n) {
    String services = n.services() == null || n.services().isEmpty()
        ? "(no service named)"
        : String.join(", ", n.services());
    String sev = n.severity() == null ? null : n.severity().name();
    String sevTag = sev == null ? "" : " (" + sev + ")";
    String rollback = n.runbook() == null ? "rollback" : n.runbook().id() + " rollback";
    String who = blank(n.requestedBy()) ? "someone" : n.requestedBy();
    String run = blank(n.workflowId()) ? "RUN" : n.workflowId();
    String took = n.duration() == null ? null : Durations.human(n.duration());
    String detail = blank(n.detail()) ? null : n.detail().strip();
    String of = "the dry run of the " + rollback + " of " + services;
    List<Fact> context = facts(
        "Reason", n.reason(), "Severity", sev, "Services", services,
        "Requested by", n.requestedBy(), "Incident", n.incidentId(), "Run", run);
    List<Fact> follow = List.of(new Fact("Plan", "./runbook status " + run));
    return switch (n.kind()) {
      case STARTED -> new Draft(
          TITLE + "rollback of " + services + " being planned" + sevTag,
          who + " started " + of + ": every action is planned, nothing is changed and no service"
              + " is held.",
          with(facts("Detail", detail), context),
          null,
          List.of(new Fact("Follow", "./runbook watch " + run)));
      case ARMED -> new Draft(
          TITLE + "armed rollback of " + services + " planned"
              + (n.armed() == null ? "" : " (" + MessageTemplates.window(n.armed().window()) + " window)") + sevTag,
          capital(of) + " plans the armed window: a real run would tell the team, wait"
              + (n.armed() == null ? "" : " " + MessageTemplates.window(n.armed().window()))
              + " for a fix forward, then roll back" + (detail == null ? "" : " " + detail)
              + " unless disarmed. Nothing is changed and nothing waits.",
          with(facts("Would roll back", detail), context),
          null,
          follow);
      case RESOLVED -> new Draft(
          TITLE + "plan ready for " + services + sevTag,
          capital(of) + " planned every step; nothing was changed.",
          with(facts("Would do", detail, "Planning took", took), context),
          null,
          follow);
      case REPORT -> new Draft(
          TITLE + "plan of the rollback of " + services + sevTag,
          "What the " + rollback + " of " + services + " would do; nothing was changed.",
          with(facts("Planning took", took), context),
          detail,
          follow);
      case NEEDS_DECISION -> new Draft(
          TITLE + "a step of the plan for " + services + " could not be planned",
          "A step of " + of + " could not be planned, and the dry run waits for a decision."
              + " Nothing was changed: abort ends it.",
          with(facts("Step", detail), context),
          null,
          List.of(new Fact("Decide", "./runbook decide " + run + " retry|abort --as NAME")));
      case FAILED -> new Draft(
          TITLE + "planning the rollback of " + services + " failed" + sevTag,
          capital(of) + " failed. It changed nothing: there is nothing to check by hand.",
          with(facts("Error", detail, "Planning took", took), context),
          null,
          follow);
      case CANCELLED -> new Draft(
          TITLE + "planning the rollback of " + services + " cancelled",
          capital(of) + " was cancelled. It changed nothing.",
          with(facts("Detail", detail), context),
          null,
          List.of());
      case ABORTED -> new Draft(
          TITLE + "planning the rollback of " + services + " aborted",
          capital(of) + " was aborted. It changed nothing.",
          with(facts("Detail", detail), context),
          null,
          List.of());
      default -> new Draft(
          TITLE + words(n) + " (plan for " + services + ")",
          capital(of) + " reports: " + words(n) + ". It is a plan; nothing was changed.",
          with(facts("Detail", detail), context),
          null,
          follow);
    };
  }

  private static String words(Notification n) {
    return n.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  private static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
