package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.report.ReportMarkdown;
import dev.runbook.workflows.model.IncidentReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbook report RUN}: the run's incident report, Markdown by default. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "The incident report of a run, from the rollback log: timeline, people, versions, schema and"
        + " configuration (names only), backups, notifications, SLA, checklist. Markdown, or the API's JSON.")
final class ReportCommand extends Common implements Callable<Integer> {
  /** What the report is printed as. */
  enum Format {
    markdown,
    json
  }

  @Parameters(index = "0", paramLabel = "RUN", description = "The run's workflow ID (its newest run), as in `runbook list`.")
  String run;

  @Option(names = "--format", defaultValue = "markdown", description = "markdown (default) or json (the API's JSON).")
  Format format;

  ReportCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    IncidentReport report = context.reports().incidentReport(run)
        .orElseThrow(() -> new RunbookException.UnknownRun(run));
    if (json || format == Format.json) {
      Output.json(out(), report);
    } else {
      out().print(ReportMarkdown.render(report));
      out().flush();
    }
    return 0;
  }
}
