package dev.runbook.starter.client;

import dev.runbook.workflows.model.BackupImportRequest;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunbookRequest;
import java.util.List;

/**
 * Judges a start against what the workers run (their configuration, the release ledger) before
 * any workflow exists, so that a bad start starts nothing, sends nothing and holds nothing.
 */
@FunctionalInterface
public interface StartCheck {
  /** Checks nothing beyond the request's own fields: for tests of the client alone. */
  StartCheck REQUEST_ONLY = request -> List.of();

  /** What is wrong with this start, each naming the input and the fix; empty when it may start. */
  List<String> problems(RunbookRequest request);

  /**
   * The request as it will start, once it passed: what the request leaves open and the workers
   * decide filled in (a database that can only be restored in place gets that strategy).
   */
  default RunbookRequest complete(RunbookRequest request) {
    return request;
  }

  /**
   * What is wrong with this import for the workers (a database they do not have, a person not
   * under people); empty when it may run. Checks nothing by default.
   */
  /**
   * What is wrong with this drill for the workers (a production or unknown target, a requester or
   * approver not under people); empty when it may start. Checks nothing by default.
   */
  default List<String> drillProblems(DrillRequest request) {
    return List.of();
  }

  default List<String> importProblems(BackupImportRequest request) {
    return List.of();
  }
}
