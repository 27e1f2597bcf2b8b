package dev.runbook.starter;

import dev.runbook.starter.client.DrillStart;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.Receipt;
import java.time.Duration;
import java.util.Optional;

/** Rollback drills on demand, as the CLI reaches them (through the API, or straight in tests). */
public interface DrillJobs {
  /**
   * Starts a drill ({@code drill-<target>-<tag>}) after every check passed; nothing starts when
   * one fails.
   *
   * @param person who asks (trusted only in a local dev; elsewhere the token says it)
   */
  Runbooks.Started drill(DrillStart start, String person);

  /**
   * Cancels a drill where it is: its runbook is cancelled with it, staging is put back and the
   * drill reports as cancelled by {@code person}. A drill that has ended or is already being
   * cancelled refuses ({@link dev.runbook.starter.client.RunbookException.Refused}).
   *
   * @param person who cancels (trusted only in a local dev; elsewhere the token says it)
   */
  Receipt cancelDrill(String workflowId, String person, String reason);

  /** The drill's report once it ended, waiting up to {@code wait}; empty while it still runs. */
  Optional<DrillReport> report(String workflowId, Duration wait);
}
