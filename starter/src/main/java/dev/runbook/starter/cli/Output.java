package dev.runbook.starter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.workflows.model.PendingActivity;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.StepState;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.policy.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** How the CLI prints: JSON for scripts, aligned text for people. */
final class Output {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** What marks a dry run wherever the CLI shows one. */
  static final String DRY_RUN = "DRY RUN: a plan; nothing is changed and no service is held";
  /** What marks a drill's run in the log, as the drill's messages are marked. */
  static final String DRILL = "[DRILL]";
  static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private Output() {}

  /**
   * A rollback-log row's state: its outcome, or monitoring or running while it goes; dry runs and
   * drills' runs marked, so a rehearsal never reads as an incident.
   */
  static String state(RollbackLogEntry e) {
    String state = e.outcome() != null ? e.outcome() : e.monitoring() ? "monitoring" : "running";
    return state + (e.dryRun() ? " (dry run)" : "") + (e.drill() != null ? " " + DRILL : "");
  }

  /**
   * What a rollback-log row acted on: the services of a rollback; for a backup or a cleanup, its
   * kind and database ("backup: shop"), so the log shows those runs for what they are.
   */
  static String target(RollbackLogEntry e) {
    String services = String.join(",", e.services());
    boolean job;
    try {
      job = e.runbook() != null && !RunbookType.parse(e.runbook()).rollback();
    } catch (IllegalArgumentException newerKind) {
      job = false;
    }
    return job ? e.runbook() + ": " + (services.isEmpty() ? "every database" : services) : services;
  }

  static void json(PrintWriter out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String when(Instant t) {
    return t == null ? "-" : WHEN.format(t);
  }

  static String duration(Duration d) {
    return d == null ? "-" : Durations.human(d.withNanos(0).isZero() ? d : d.withNanos(0));
  }

  /** A table with columns sized to their content. */
  static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i) == null ? 1 : row.get(i).length());
      }
    }
    out.println(line(header, width));
    for (List<String> row : rows) {
      out.println(line(row, width));
    }
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i) == null ? "-" : cells.get(i);
      b.append(i == cells.size() - 1 ? c : String.format("%-" + width[i] + "s  ", c));
    }
    return b.toString().stripTrailing();
  }

  static String mark(StepState s) {
    return switch (s) {
      case SUCCEEDED -> "[ok]";
      case RUNNING -> "[..]";
      case FAILED -> "[!!]";
      case SKIPPED -> "[--]";
      case PLANNED -> "[plan]";
      case COMPENSATED -> "[undone]";
      default -> "[  ]";
    };
  }

  /**
   * What follows a step's title: its error, else where its activity in flight stands when that
   * is being retried, else its detail.
   */
  static String stepNote(RunStatus run, StepStatus step) {
    String retry = retry(run, step.pendingActivity());
    String note = step.error() != null ? step.error() : retry != null ? retry : step.detail();
    return note == null ? "" : "  " + note;
  }

  /**
   * A step's activity in flight while Temporal retries it, in one line: the attempt, the next try
   * and the last error. Null while its first attempt runs.
   */
  static String retry(RunStatus run, PendingActivity p) {
    if (p == null || !p.retrying()) {
      return null;
    }
    String of = p.maximumAttempts() > 0 ? " of " + p.maximumAttempts() : "";
    String in = p.workflowId() == null || p.workflowId().equals(run.workflowId()) ? "" : " in " + p.workflowId();
    String error = p.lastError() == null ? "" : ": " + p.lastError();
    if (p.waitingToRetry()) {
      return p.activity() + in + " attempt " + (p.attempt() - 1) + of + " failed" + error + "; attempt "
          + p.attempt() + (p.nextAttemptAt() == null ? " is next" : " at " + clock(p.nextAttemptAt()));
    }
    return p.activity() + in + " attempt " + p.attempt() + of + " running"
        + (p.lastStartedAt() == null ? "" : " since " + clock(p.lastStartedAt()))
        + (p.lastError() == null ? "" : "; attempt " + (p.attempt() - 1) + " failed" + error);
  }

  /** The time left until {@code t}, as people say it: "in 12m30s", "any moment now". */
  static String left(Instant t) {
    Duration d = Duration.between(Instant.now(), t).withNanos(0);
    return d.isNegative() || d.isZero() ? "any moment now" : "in " + Durations.human(d);
  }

  static String clock(Instant t) {
    return CLOCK.format(t) + " UTC";
  }

  /** The status as a person reads it: phase, what it waits for, each step, who did what. */
  static void status(PrintWriter out, RunStatus s) {
    if (s.runbook() != null && !s.runbook().rollback()) {
      out.printf("%s  %s%s of %s%n", s.workflowId(), s.dryRun() ? "DRY RUN of the " : "", s.runbook().id(),
          s.services().isEmpty() ? "every database" : String.join(", ", s.services()));
    } else {
      out.printf("%s  %s%s rollback of %s (%s)%n", s.workflowId(), s.dryRun() ? "DRY RUN of the " : "",
          s.runbook() == null ? "?" : s.runbook().id(), String.join(", ", s.services()), s.severity());
    }
    if (s.dryRun()) {
      out.println(DRY_RUN);
    }
    out.printf("phase: %s%s%n", s.phase().label(),
        s.waitingFor() == null ? "" : "  (waiting for " + s.waitingFor() + ")");
    out.printf("requested by %s at %s: %s%n", s.requestedBy(), when(s.startedAt()), s.reason());
    if (s.armed() != null) {
      var a = s.armed();
      out.printf("armed by %s: %s at %s unless disarmed (%s of %s)%n", a.by(), a.plan(), clock(a.endsAt()),
          left(a.endsAt()), Durations.human(a.window()));
      out.printf("  runbook disarm %s --as NAME --reason WHY   |   runbook cancel %s --as NAME%n",
          s.workflowId(), s.workflowId());
    }
    for (StepStatus step : s.steps()) {
      out.printf("  %-8s %-52s%s%s%n", mark(step.state()), step.title(),
          step.attempts() > 1 ? " (started " + step.attempts() + " times)" : "", stepNote(s, step));
    }
    if (s.pendingApproval() != null) {
      var a = s.pendingApproval();
      out.printf("approval: %d of %s from %s; escalates %s; aborts %s%n",
          a.approvedBy().size(), a.required(), String.join(" or ", a.roles()),
          a.nextEscalationAt() == null ? "no more" : "at " + when(a.nextEscalationAt()),
          "at " + when(a.abortsAt()));
      if (a.votesWaitFor() != null) {
        out.printf("  approvals wait for %s%n", a.votesWaitFor());
      }
      if (a.lapsedBecause() != null) {
        out.printf("  asked again (%d time%s): the plan changed: %s%n", a.lapses(), a.lapses() == 1 ? "" : "s",
            a.lapsedBecause());
      }
      if (a.planHash() != null) {
        out.printf("plan %s (what you approve):%n", a.planHash().substring(0, Math.min(12, a.planHash().length())));
        a.plan().forEach(line -> out.println("  " + line));
      }
      if (a.discards() != null) {
        out.println("discards: " + dev.runbook.workflows.model.Shown.discards(a.discards()));
      }
      out.printf("  runbook approve %s%s --as NAME   |   runbook reject %s --as NAME --reason WHY%n",
          s.workflowId(), a.planHash() == null ? "" : " --plan " + a.planHash().substring(0, Math.min(12, a.planHash().length())),
          s.workflowId());
    }
    if (s.pendingDecision() != null) {
      var d = s.pendingDecision();
      out.printf("needs a decision on %s: %s%n", d.step(), d.error());
      out.printf("  runbook decide %s %s --as NAME%n", s.workflowId(),
          String.join("|", d.options().stream().map(x -> x.label()).toList()));
    }
    if (!s.actions().isEmpty()) {
      out.println("actions:");
      s.actions().forEach(a -> out.printf("  %s  %-8s %s%s%n", when(a.at()), a.actor(), a.action(),
          a.detail() == null ? "" : ": " + a.detail()));
    }
    if (s.outcomeMessage() != null) {
      out.println("outcome: " + s.outcomeMessage());
    }
  }
}
