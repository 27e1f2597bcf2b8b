package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.DrillBreak;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.Shown;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Durations;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runbook drills [TARGET]}: the drills rehearsed, newest first, then for each target how
 * its last drills compared with the SLA, so a trend shows before a real incident does.
 */
@Command(name = "drills", mixinStandardHelpOptions = true,
    description = {"The rollback drills rehearsed on staging, newest first: target, runbook, outcome, time to"
        + " detect, time to roll back, the SLA and how far under or over it, whether staging was restored,"
        + " manual interventions and who asked; then per target its last six ended drills, oldest to newest."
        + " `runbook drills show DRILL_ID` prints one drill's report; `runbook drills cancel DRILL_ID` stops one."})
final class DrillsCommand extends Common implements Callable<Integer> {
  /** How many ended drills a target's trend line shows. */
  static final int TREND = 6;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET",
      description = "Only this staging target's drills (default: every target's).")
  String target;

  @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
  int limit;

  DrillsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (target != null && !Validation.NAME.matcher(target).matches()) {
      throw new RunbookException.InvalidRequest("TARGET '" + Validation.printable(target) + "' is not a target"
          + " name: give a staging target's name, e.g. runbook drills checkout-staging");
    }
    if (limit < 1) {
      throw new RunbookException.InvalidRequest("--limit " + limit + " must be at least 1");
    }
    List<DrillLogEntry> drills = context.drills().recent(limit, target);
    if (json) {
      Output.json(out(), drills);
      return 0;
    }
    PrintWriter out = out();
    if (drills.isEmpty()) {
      out.println("no drills" + (target == null ? "" : " of " + target) + " yet: `runbook drill emergency "
          + (target == null ? "TARGET" : target) + "` breaks a staging target on purpose and runs the real runbook"
          + " against it, timed against its SLA");
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (DrillLogEntry d : drills) {
      rows.add(List.of(
          Shown.time(d.startedAt()),
          d.target(),
          d.runbook(),
          breakOf(d),
          d.finishedAt() == null ? (gone(d, context) == null ? "running" : "no report") : Objects.toString(d.outcome(), "-"),
          Durations.human(d.timeToDetect()),
          Durations.human(d.timeToRollBack()),
          Durations.human(d.sla()),
          verdict(d),
          d.restored() == null ? "-" : d.restored() ? "yes" : "NO",
          d.manualInterventions() == null ? "-" : d.manualInterventions().toString(),
          Objects.toString(d.requestedBy(), "-")));
    }
    Output.table(out, List.of("STARTED", "TARGET", "RUNBOOK", "BREAK", "OUTCOME", "DETECTED IN", "ROLLED BACK IN", "SLA",
        "VERDICT", "RESTORED", "MANUAL", "BY"), rows);
    if (rows.stream().anyMatch(r -> r.get(4).equals("no report"))) {
      out.println("(no report: the drill ended without one, or Temporal no longer knows it; `runbook drills show ID`"
          + " says what to check)");
    }
    out.println();
    trends(drills).forEach(out::println);
    return 0;
  }

  /** Met with time to spare, or missed by how much; a drill not detected or not rolled back missed. */
  static String verdict(DrillLogEntry d) {
    if (d.finishedAt() == null || d.outcome() == null) {
      return "-";
    }
    return switch (d.outcome()) {
      case "rolled-back" -> Boolean.TRUE.equals(d.slaMet())
          ? "met, " + Durations.human(d.slaDifference()) + " to spare"
          : "MISSED by " + Durations.human(d.slaDifference());
      case "not-detected" -> "MISSED: not detected";
      case "rollback-failed" -> "MISSED: rollback failed";
      case "cancelled", "failed" -> d.report() == null ? d.outcome() : shorten(d.report().verdict());
      default -> d.outcome();
    };
  }

  /** How the drill broke its target: version, config or command ("-" when it is not known). */
  static String breakOf(DrillLogEntry d) {
    if (d.breakWith() != null) {
      return d.breakWith();
    }
    if (d.report() != null && d.report().breakWith() != null) {
      return d.report().breakWith().id();
    }
    return d.badVersion() != null ? DrillBreak.VERSION.id() : "-";
  }

  /** A verdict short enough for a table cell. */
  private static String shorten(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  /** One word per ended drill for the trend line: met, MISSED, UNDETECTED, FAILED, CANCELLED or DRILL-FAILED. */
  private static String word(DrillLogEntry d) {
    if (Boolean.TRUE.equals(d.slaMet())) {
      return "met";
    }
    return switch (Objects.toString(d.outcome(), "")) {
      case "not-detected" -> "UNDETECTED";
      case "rollback-failed" -> "FAILED";
      case "cancelled" -> "CANCELLED";
      case "failed" -> "DRILL-FAILED";
      default -> "MISSED";
    };
  }

  /**
   * Per target (in the order the list first names them) its last {@link #TREND} ended drills,
   * oldest to newest: "checkout-staging: last 6: met met MISSED met met met (5 of 6 within SLA)".
   */
  static List<String> trends(List<DrillLogEntry> newestFirst) {
    Map<String, List<DrillLogEntry>> ended = new LinkedHashMap<>();
    for (DrillLogEntry d : newestFirst) {
      List<DrillLogEntry> target = ended.computeIfAbsent(d.target(), t -> new ArrayList<>());
      if (d.finishedAt() != null && target.size() < TREND) {
        target.add(0, d);
      }
    }
    List<String> lines = new ArrayList<>();
    ended.forEach((target, drills) -> {
      if (drills.isEmpty()) {
        lines.add(target + ": no drill has ended yet");
        return;
      }
      long met = drills.stream().filter(d -> Boolean.TRUE.equals(d.slaMet())).count();
      lines.add(target + ": last " + drills.size() + ": "
          + String.join(" ", drills.stream().map(DrillsCommand::word).toList())
          + " (" + met + " of " + drills.size() + " within SLA)");
    });
    return lines;
  }

  /** {@code runbook drills show DRILL_ID}: one drill's whole report. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One drill's report: the verdict, then its figures (times per step, SLA, approval, manual"
          + " interventions, whether staging was restored); while it goes, what is known so far.")
  static final class Show extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DRILL_ID", description = "The drill's ID, drill-TARGET-TAG (see `runbook drills`).")
    String drill;

    Show(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      DrillLogEntry d = context.drills().find(drill).orElseThrow(() -> new RunbookException.UnknownRun(drill,
          "no drill '" + Validation.printable(drill) + "' in the rollback log: check the ID with `runbook drills`"));
      if (json) {
        Output.json(out(), d);
        return 0;
      }
      PrintWriter out = out();
      out.printf("%s: %s drill of %s, started %s by %s%s%n", d.workflowId(), d.runbook(), d.target(),
          Shown.time(d.startedAt()), d.requestedBy(), d.approver() == null ? "" : ", drill approver " + d.approver());
      if (d.report() == null) {
        String gone = gone(d, context);
        if (gone != null) {
          out.println("no report: " + gone + "; its break may still be in place: check " + d.target()
              + " and put it back by hand");
          return 0;
        }
        out.println("still running: broke " + d.target() + " with " + (d.badVersion() != null ? d.badVersion()
            : "its configured break") + ", watching the " + d.detection() + " signal for the break (stop it:"
            + " runbook drills cancel " + d.workflowId() + ")");
        out.println("Rollback: " + (d.rollbackWorkflowId() == null ? "not started yet"
            : d.rollbackWorkflowId() + " (`runbook status " + d.rollbackWorkflowId() + "`)"));
        return 0;
      }
      out.println("Ended " + Shown.time(d.finishedAt()) + ": " + d.report().verdict());
      out.println(d.report().figures());
      return 0;
    }
  }

  /**
   * Why a drill with no report is not running any more (it failed or was terminated, or an
   * in-memory server forgot it), or null while it runs or when Temporal cannot be asked.
   */
  private static String gone(DrillLogEntry d, CliContext context) {
    try {
      return context.drillJobs().report(d.workflowId(), java.time.Duration.ZERO).isPresent()
          ? "it has just ended: run this again to read its report" : null;
    } catch (RunbookException.Unavailable unreachable) {
      return null;
    } catch (RunbookException.UnknownRun e) {
      return "Temporal knows no workflow " + d.workflowId() + " (terminated and removed, or lost with an in-memory"
          + " server)";
    } catch (RunbookException e) {
      return "its workflow " + d.workflowId() + " ended without one (" + e.getMessage() + ")";
    }
  }

  /** {@code runbook drills cancel DRILL_ID}: stops a drill; staging is put back and the drill reports. */
  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Stop a drill where it is (its rollback is cancelled with it): staging is put back as it was and"
          + " the drill reports as cancelled by you. Refused when the drill has ended or is already being cancelled.")
  static final class Cancel extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DRILL_ID", description = "The drill's ID, drill-TARGET-TAG (see `runbook drills`).")
    String drill;

    @Option(names = "--as", description = "Who you are, in a local dev; elsewhere your token says it (--as must then be the token's person).")
    String as;

    @Option(names = "--reason", description = "Why, for the report.")
    String reason;

    Cancel(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      Receipt r = context.drillJobs().cancelDrill(drill, person(as), reason);
      if (json) {
        Output.json(out(), r);
      } else {
        out().printf("%s: %s%n", r.workflowId(), r.message());
      }
      return 0;
    }
  }
}
