package dev.runbook.starter.cli;

import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Reading runs: status, watch, list, log. */
final class ReadCommands {
  private ReadCommands() {}

  /** Where a run in the log stands: its outcome, else monitoring once its rollback is applied, else running. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a run: phase, steps, what it waits for, who did what.")
  static final class Status extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN")
    String run;

    Status(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      RunStatus s = context.client().status(run);
      if (json) {
        Output.json(out(), s);
      } else {
        Output.status(out(), s);
        String page = context.runPage(s.workflowId(), null);
        if (page != null) {
          out().println("Temporal UI: " + page);
        }
      }
      return 0;
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = "Follow a run live until it ends; exits 0 if it succeeded, 1 otherwise.")
  static final class WatchCommand extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN")
    String run;

    WatchCommand(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      RunStatus end = Watch.follow(context.client(), run, out(), json);
      return end.phase() == dev.runbook.workflows.model.Phase.SUCCEEDED ? 0 : 1;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Runs from the rollback log, newest first.")
  static final class ListCommand extends Common implements Callable<Integer> {
    @Option(names = "--service", description = "Only runs that acted on this service.")
    String service;

    @Option(names = "--open", description = "Only runs that have not ended.")
    boolean open;

    @Option(names = "--no-drills", description = "Leave out the runs drills started (marked [DRILL]).")
    boolean noDrills;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    ListCommand(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      List<RollbackLogEntry> runs = context.log().recent(limit, service, open, !noDrills);
      if (json) {
        Output.json(out(), runs);
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (RollbackLogEntry e : runs) {
        rows.add(List.of(e.workflowId(), e.runbook(), Objects.toString(e.severity(), "-"),
            Output.when(e.startedAt()), Output.state(e),
            Objects.toString(e.requestedBy(), "-")));
      }
      Output.table(out(), List.of("RUN", "RUNBOOK", "SEV", "STARTED", "STATE", "BY"), rows);
      return 0;
    }
  }

  @Command(name = "log", mixinStandardHelpOptions = true,
      description = "The rollback log: date, service, from, to, duration, SLA (once a run has one), outcome, reason."
          + " A drill's runs are marked [DRILL]; they rehearse and are no incidents.")
  static final class LogCommand extends Common implements Callable<Integer> {
    @Option(names = "--service", description = "Only this service.")
    String service;

    @Option(names = "--no-drills", description = "Leave out the runs drills started (marked [DRILL]): only incidents.")
    boolean noDrills;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", defaultValue = "table",
        description = "table (default), markdown (the Ignition runbook's table: Date | From | To | Reason | Duration)"
            + " or json.")
    LogFormat format;

    /** How the log is printed. */
    enum LogFormat {
      table,
      markdown,
      json
    }

    LogCommand(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      List<RollbackLogEntry> runs = context.log().recent(limit, service, false, !noDrills);
      if (json || format == LogFormat.json) {
        Output.json(out(), runs);
        return 0;
      }
      if (format == LogFormat.markdown) {
        out().print(dev.runbook.starter.report.LogMarkdown.render(runs));
        out().flush();
        return 0;
      }
      // The SLA column appears once some run has been measured against an SLA.
      boolean slas = runs.stream().anyMatch(e -> e.sla() != null);
      List<List<String>> rows = new ArrayList<>();
      for (RollbackLogEntry e : runs) {
        List<String> row = new ArrayList<>(List.of(Output.when(e.startedAt()), Output.target(e),
            Objects.toString(e.fromVersion(), "-"), Objects.toString(e.toVersion(), "-"),
            e.durationMs() == null ? "-" : Output.duration(Duration.ofMillis(e.durationMs()))));
        if (slas) {
          row.add(Objects.toString(e.sla(), "-"));
        }
        row.add(Output.state(e));
        row.add(e.reason() == null ? "-" : e.reason());
        rows.add(row);
      }
      List<String> header = new ArrayList<>(List.of("DATE", "SERVICE", "FROM", "TO", "DURATION"));
      if (slas) {
        header.add("SLA");
      }
      header.addAll(List.of("OUTCOME", "REASON"));
      Output.table(out(), header, rows);
      return 0;
    }
  }
}
