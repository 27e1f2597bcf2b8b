package dev.runbook.starter.cli;

import dev.runbook.starter.client.DrillStart;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.model.DrillReport.DrillOutcome;
import dev.runbook.workflows.model.DrillReport;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runbook drill RUNBOOK TARGET}: a rollback drill on demand. What the flags leave out comes
 * from the target's entry under {@code drills:}; without one the flags say it all.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
    customSynopsis = {"runbook drill emergency|full TARGET [--break version|config|command] [--bad-version V]"
        + " [--detection health-check|error-rate|smoke-check|alert] [--alert-label NAME=VALUE]... [--limit 5m]"
        + " [--sla 10m] [--approver NAME] [--break-service NAME] [--as NAME] [--wait] [--json] [-c FILE]"},
    description = {"Rehearse a rollback on a staging service (emergency) or environment (full): break it (deploy a"
        + " known-bad version, write the configured bad configuration, or run the configured break command), wait"
        + " until monitoring sees it, run the real runbook against it, put it back as it was, and report the times"
        + " against the SLA. The drill runs as drill-TARGET-TAG; `runbook drills cancel DRILL_ID` stops it.",
        "",
        "Values come from the target's entry under drills in the configuration; flags override them. Without an"
            + " entry, give --bad-version, --detection, --limit and --sla (or an SLA under slas).",
        "Refused, with nothing started: a production target, an unknown one, a drill or a rollback of the target"
            + " already running, an approver who is also the requester, a config or command break the target's"
            + " drills entry does not configure."})
final class DrillCommand extends Common implements Callable<Integer> {
  /** How long --wait waits for the report. */
  static final Duration WAIT = Duration.ofHours(50);

  @Parameters(index = "0", paramLabel = "RUNBOOK", description = "emergency (a service) or full (an environment).")
  String runbook;

  @Parameters(index = "1", paramLabel = "TARGET", description = "A staging service or environment.")
  String target;

  @Option(names = "--break", paramLabel = "HOW",
      description = "version (deploy --bad-version), config (write the bad values configured for the target) or"
          + " command (run the target's configured break command).")
  String breakWith;

  @Option(names = "--bad-version", paramLabel = "V", description = "The known-bad version deployed to break it.")
  String badVersion;

  @Option(names = "--break-service", paramLabel = "NAME",
      description = "For a full drill: which service of the environment gets the bad version.")
  String breakService;

  @Option(names = "--detection", paramLabel = "SIGNAL",
      description = "health-check, error-rate, smoke-check or alert (an Alertmanager alert reaching the API's webhook).")
  String detection;

  @Option(names = "--alert-label", paramLabel = "NAME=VALUE",
      description = "With --detection alert: a label the alert must carry (repeat for more; default service=the"
          + " broken service).")
  Map<String, String> alertLabels;

  @Option(names = "--limit", paramLabel = "DURATION", description = "How long to wait for detection, e.g. 5m.")
  String limit;

  @Option(names = "--sla", paramLabel = "DURATION", description = "How long the rollback may take, e.g. 10m.")
  String sla;

  @Option(names = "--approver", paramLabel = "NAME",
      description = "Who approves the drilled rollback (it then runs at P1); none runs it at P0.")
  String approver;

  @Option(names = "--as", description = "Who asks, in a local dev (default: $RUNBOOK_AS, else your user name); elsewhere your token says it.")
  String as;

  @Option(names = "--wait", description = "Wait for the drill to end and print its report.")
  boolean waitForReport;

  DrillCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    Runbooks.Started started = context.drillJobs().drill(
        new DrillStart(runbook, target, badVersion, breakService, detection, limit, sla, approver, breakWith,
            alertLabels), person(as));
    if (json && !waitForReport) {
      Output.json(out(), started);
      return 0;
    }
    if (!json) {
      out().printf("started %s (run %s)%n", started.workflowId(), started.runId());
      String rollback = "full".equalsIgnoreCase(runbook)
          ? dev.runbook.workflows.model.WorkflowIds.forEnvironment(target)
          : dev.runbook.workflows.model.WorkflowIds.forService(target);
      out().printf("  follow it:  runbook drills show %s (its rollback: runbook watch %s)%n", started.workflowId(),
          rollback);
      out().printf("  report:     %s/%s/report%n", "/api/v1/drills", started.workflowId());
      out().flush();
    }
    if (!waitForReport) {
      return 0;
    }
    Optional<DrillReport> report = context.drillJobs().report(started.workflowId(), WAIT);
    if (report.isEmpty()) {
      out().printf("%s still runs: follow it with `runbook drills show %s`%n", started.workflowId(),
          started.workflowId());
      return 1;
    }
    if (json) {
      Output.json(out(), report.get());
    } else {
      out().println(report.get().verdict());
      out().println(report.get().figures());
    }
    out().flush();
    return report.get().outcome() == DrillOutcome.ROLLED_BACK && report.get().slaMet() ? 0 : 1;
  }
}
