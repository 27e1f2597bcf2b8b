package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.model.Armed;
import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.Shown;
import java.time.Duration;
import dev.runbook.workflows.policy.Durations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of every message, after the source runbooks' templates (ROLLBACK IN PROGRESS with who,
 * why, severity, services and ETA; Resolved with the versions and the duration). A message is
 * rendered once into a title, a plain text body and Slack blocks, so every channel says the same.
 * Rendering is plain and deterministic: the same notification always gives the same message.
 */
public final class MessageTemplates {
  static final String DRY_RUN_LINE = "DRY RUN: this is a plan; nothing was changed.";
  // Slack Block Kit limits: header text, section text and blocks per message.
  static final int HEADER_MAX = 150;
  static final int SECTION_MAX = 3000;
  private static final int BLOCKS_MAX = 50;
  private static final int FALLBACK_MAX = 3900;

  private MessageTemplates() {}

  /** What one kind says, before it is laid out as text or as blocks. */
  record Draft(String title, String lead, List<Fact> facts, String preformatted, List<Fact> commands) {}

  record Fact(String label, String value) {}

  public static Message render(Notification n) {
    if (n.kind() == null) {
      throw new IllegalArgumentException("a notification needs a kind");
    }
    // A dry run's message is worded as a plan from its title on (see DryRunDrafts); a backup's or
    // a cleanup's as what it is (see JobDrafts).
    Draft d = JobDrafts.isJob(n) ? JobDrafts.draft(n) : n.dryRun() ? DryRunDrafts.draft(n)
        : n.kind() == NotificationKind.DRILL_REPORT ? DrillDrafts.draft(n) : draft(n);
    // Every message of a runbook a drill started says so first: a rehearsal, not an incident.
    String title = DrillDrafts.rehearsed(n) ? "[DRILL] " + d.title() : d.title();
    return new Message(title, text(n, d), blocks(n, title, d));
  }

  private static Draft draft(Notification n) {
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
    List<Fact> context = facts(
        "Reason", n.reason(), "Severity", sev, "Services", services,
        "Requested by", n.requestedBy(), "Incident", n.incidentId(), "Run", run);
    List<Fact> vote = List.of(
        new Fact("Approve", "./runbook approve " + run + " --as NAME"),
        new Fact("Reject", "./runbook reject " + run + " --as NAME --reason \"WHY\""));
    return switch (n.kind()) {
      case STARTED -> new Draft(
          "ROLLBACK IN PROGRESS: " + services + sevTag,
          who + " started the " + rollback + " of " + services + ".",
          facts("Who", n.requestedBy(), "Why", n.reason(), "Severity", sev,
              "Services", services, "Incident", n.incidentId(),
              "ETA", n.eta() == null ? "not estimated" : Durations.human(n.eta()),
              "Detail", detail, "Run", run),
          null,
          List.of(new Fact("Follow", "./runbook watch " + run)));
      case ARMED -> {
        Armed a = n.armed();
        String in = a == null ? "when its window ends" : "in " + window(a.window());
        yield new Draft(
            "ARMED: rollback of " + services + " " + in + " unless fixed" + sevTag,
            "The " + rollback + " of " + services + " is armed: " + (detail == null ? "it" : detail)
                + " goes ahead " + (a == null ? "when its window ends" : "at " + Shown.time(a.endsAt()))
                + " unless it is fixed forward and disarmed first.",
            with(facts("Rolls back", detail, "At", a == null ? null : Shown.time(a.endsAt()),
                "Window", a == null ? null : window(a.window()), "Armed by", a == null ? null : a.by()), context),
            null,
            List.of(new Fact("Disarm", "./runbook disarm " + run + " --as NAME --reason \"fixed forward\""
                    + (a != null && a.alert() != null ? " (or the alert resolving disarms it)" : "")),
                new Fact("Follow", "./runbook watch " + run)));
      }
      case DISARMED -> new Draft(
          "Disarmed: rollback of " + services + " will not happen",
          "The armed " + rollback + " of " + services + " was disarmed before its window ended."
              + " Nothing was changed.",
          with(facts("Disarmed", detail, "After", took), context),
          null,
          List.of());
      case APPROVAL_REQUESTED -> new Draft(
          "Approval needed: " + (sev == null ? "" : sev + " ") + rollback + " of " + services,
          who + " asks to roll back " + services + ". "
              + (blank(n.target()) ? "An approver" : "Someone with the role " + n.target())
              + " must approve before it goes on.",
          with(facts("Detail", detail), context),
          null,
          vote);
      case ESCALATED -> new Draft(
          "Escalated: approval for " + services + " waiting "
              + (took == null ? "too long" : took),
          "The " + rollback + " of " + services + " has waited "
              + (took == null ? "past its timeout" : took) + " for approval and nobody has"
              + " answered; escalating" + (blank(n.target()) ? "" : " to " + n.target()) + ".",
          with(facts("Waiting for", took, "Detail", detail), context),
          null,
          vote);
      case APPROVED -> new Draft(
          "Approved: rollback of " + services + " goes on",
          "The " + rollback + " of " + services + " was approved and goes on.",
          with(facts("Approval", detail), context),
          null,
          List.of());
      case REJECTED -> new Draft(
          "Rejected: rollback of " + services,
          "The " + rollback + " of " + services + " was rejected and will not run.",
          with(facts("Rejection", detail), context),
          null,
          List.of());
      case NEEDS_DECISION -> new Draft(
          "Decision needed: rollback of " + services + " is stuck",
          "A step of the " + rollback + " of " + services + " failed for good. The run waits"
              + " for an operator to decide.",
          with(facts("Failed step", detail), context),
          n.options() == null || n.options().isEmpty() ? null : choices(n.options()),
          List.of(new Fact("Decide", n.options() == null || n.options().isEmpty()
              ? "./runbook status " + run + " lists the choices, then ./runbook decide " + run + " CHOICE --as NAME"
              : "./runbook decide " + run + " "
                  + String.join("|", n.options().stream().map(DecisionAction::label).toList()) + " --as NAME")));
      case RESOLVED -> new Draft(
          "Resolved: " + services + " rolled back" + sevTag,
          "Resolved: the " + rollback + " of " + services + " is done and verified.",
          with(facts("Rolled back", detail, "Duration", took), context),
          null,
          List.of());
      case REPORT -> new Draft(
          "Rollback report: " + services + sevTag,
          "Status report of the " + rollback + " of " + services + ".",
          with(facts("Duration", took), context),
          detail,
          List.of());
      case REGRESSION -> new Draft(
          "REGRESSION after rollback: " + services + sevTag,
          "Monitoring after the rollback of " + services + " found a problem: look now.",
          with(facts("Problem", detail, "Since rollback", took), context),
          null,
          List.of(new Fact("Status", "./runbook status " + run)));
      case RECOVERED -> new Draft(
          "Recovered: " + services + " healthy again",
          "Monitoring after the rollback of " + services + " sees it healthy again.",
          with(facts("Check", detail, "Since rollback", took), context),
          null,
          List.of());
      case COMPENSATED -> new Draft(
          "Compensated: rollback of " + services + " undone",
          "The " + rollback + " of " + services + " was compensated: the safety backup is"
              + " restored and the version that ran before is redeployed.",
          with(facts("Detail", detail, "Duration", took), context),
          null,
          List.of());
      case TIMED_OUT -> new Draft(
          "Timed out: rollback of " + services + " got no approval",
          "Nobody approved the " + rollback + " of " + services
              + (took == null ? "" : " in " + took) + "; the run was aborted.",
          with(facts("Detail", detail, "Waited", took), context),
          null,
          List.of());
      case ABORTED -> new Draft(
          "Aborted: rollback of " + services,
          "The " + rollback + " of " + services + " was aborted.",
          with(facts("Detail", detail, "Duration", took), context),
          null,
          List.of());
      case CANCELLED -> new Draft(
          "Cancelled: rollback of " + services,
          "The " + rollback + " of " + services + " was cancelled.",
          with(facts("Detail", detail, "Duration", took), context),
          null,
          List.of());
      case REFUSED -> new Draft(
          "Refused: rollback of " + services + sevTag + " did not start",
          "The " + rollback + " of " + services + " was refused before it changed anything: "
              + "someone must choose what to roll back to.",
          with(facts("Why", detail), context),
          null,
          List.of(new Fact("Status", "./runbook status " + run)));
      case FAILED -> new Draft(
          "FAILED: rollback of " + services + sevTag,
          "The " + rollback + " of " + services + " failed. Check the services by hand now and"
              + " escalate.",
          with(facts("Error", detail, "Duration", took), context),
          null,
          List.of(new Fact("Status", "./runbook status " + run)));
      case DRILL_REPORT -> DrillDrafts.draft(n);
      case CHECKLIST_REMINDER, CHECKLIST_OVERDUE, CHECKLIST_DONE, CHECKLIST_CLOSED ->
          ChecklistDrafts.draft(n, context);
    };
  }

  /** A window as people say it: "15 min", "1h30m". */
  static String window(Duration d) {
    long minutes = d.toMinutes();
    return minutes > 0 && minutes < 60 && d.equals(Duration.ofMinutes(minutes)) ? minutes + " min" : Durations.human(d);
  }

  /** One line per choice the run offers, and only those: a step others depend on cannot be skipped. */
  private static String choices(List<DecisionAction> options) {
    List<String> lines = new ArrayList<>();
    for (DecisionAction a : options) {
      String what = switch (a) {
        case RETRY -> "run the failed step again";
        case SKIP -> "go on without it";
        case COMPENSATE -> "undo what the run has done so far, newest first";
        case ABORT -> "stop the run here, leaving things as they are";
      };
      lines.add(String.format("%-11s %s", a.label(), what));
    }
    return String.join("\n", lines);
  }

  private static String text(Notification n, Draft d) {
    StringBuilder b = new StringBuilder();
    if (n.dryRun()) {
      b.append(DRY_RUN_LINE).append("\n\n");
    }
    b.append(d.lead()).append("\n\n");
    for (Fact f : d.facts()) {
      b.append(f.label()).append(": ").append(f.value().replace("\n", "\n  ")).append('\n');
    }
    if (d.preformatted() != null) {
      b.append('\n').append(d.preformatted()).append('\n');
    }
    if (!d.commands().isEmpty()) {
      b.append('\n');
      for (Fact c : d.commands()) {
        b.append(c.label()).append(": ").append(c.value()).append('\n');
      }
    }
    return b.toString();
  }

  private static List<Map<String, Object>> blocks(Notification n, String title, Draft d) {
    List<Map<String, Object>> blocks = new ArrayList<>();
    blocks.add(obj("type", "header",
        "text", obj("type", "plain_text", "text", cut(title, HEADER_MAX))));
    StringBuilder main = new StringBuilder();
    if (n.dryRun()) {
      main.append('*').append(escape(DRY_RUN_LINE)).append("*\n\n");
    }
    main.append(escape(d.lead())).append("\n\n");
    for (Fact f : d.facts()) {
      main.append('*').append(escape(f.label())).append(":* ").append(escape(f.value()))
          .append('\n');
    }
    for (String chunk : chunks(main.toString(), SECTION_MAX)) {
      blocks.add(section(chunk));
    }
    List<Map<String, Object>> tail = new ArrayList<>();
    if (!d.commands().isEmpty()) {
      StringBuilder commands = new StringBuilder();
      for (Fact c : d.commands()) {
        commands.append('*').append(c.label()).append(":* `").append(escape(c.value()))
            .append("`\n");
      }
      tail.add(section(commands.toString().stripTrailing()));
    }
    String context = "runbook" + (blank(n.workflowId()) ? "" : " | " + n.workflowId())
        + (blank(n.key()) ? "" : " | key " + n.key());
    tail.add(obj("type", "context", "elements",
        List.of(obj("type", "mrkdwn", "text", escape(cut(context, SECTION_MAX))))));
    if (d.preformatted() != null) {
      List<String> code = chunks(escape(d.preformatted()), SECTION_MAX - 6);
      int room = BLOCKS_MAX - blocks.size() - tail.size();
      for (int i = 0; i < code.size() && i < room; i++) {
        blocks.add(section("```" + code.get(i) + "```"));
      }
    }
    blocks.addAll(tail);
    return blocks;
  }

  /** Slack's fallback text: it shows in notifications and where blocks cannot. */
  static String slackFallback(Message m) {
    return cut(escape(m.title() + "\n" + m.text()), FALLBACK_MAX);
  }

  static Map<String, Object> section(String mrkdwn) {
    return obj("type", "section", "text", obj("type", "mrkdwn", "text", mrkdwn));
  }

  /** Slack mrkdwn control characters: text must not open links or mentions by accident. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Splits at line ends into pieces of at most {@code max} characters (escaped text). */
  static List<String> chunks(String text, int max) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String rest = line;
      while (rest.length() > max) {
        flush(cur, out);
        int cutAt = safeCut(rest, max);
        out.add(rest.substring(0, cutAt));
        rest = rest.substring(cutAt);
      }
      if (cur.length() > 0 && cur.length() + 1 + rest.length() > max) {
        flush(cur, out);
      }
      if (cur.length() > 0) {
        cur.append('\n');
      }
      cur.append(rest);
    }
    flush(cur, out);
    return out;
  }

  /** A cut position at or before {@code max} that does not split an entity like &amp;amp;. */
  private static int safeCut(String s, int max) {
    int amp = s.lastIndexOf('&', max - 1);
    if (amp >= 0 && amp > max - 5 && s.indexOf(';', amp) >= max) {
      return amp;
    }
    return max;
  }

  private static void flush(StringBuilder cur, List<String> out) {
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().stripTrailing());
    }
    cur.setLength(0);
  }

  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  static List<Fact> facts(String... labelsAndValues) {
    List<Fact> facts = new ArrayList<>();
    for (int i = 0; i < labelsAndValues.length; i += 2) {
      if (!blank(labelsAndValues[i + 1])) {
        facts.add(new Fact(labelsAndValues[i], labelsAndValues[i + 1].strip()));
      }
    }
    return facts;
  }

  static List<Fact> with(List<Fact> first, List<Fact> then) {
    List<Fact> all = new ArrayList<>(first);
    all.addAll(then);
    return all;
  }

  /** A JSON object with its keys in the order given, so the payload is the same every time. */
  static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
