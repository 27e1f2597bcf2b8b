package dev.runbook.worker.temporal;

import dev.runbook.workflows.engine.RunbookSearchAttributes;
import dev.runbook.workflows.model.Phase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Addresses of pages in Temporal UI (2.x): a run's page, and the list of runs awaiting approval. */
public record TemporalUi(String baseUrl, String namespace) {
  public TemporalUi {
    baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** The visibility query that finds every run waiting for its approvals. */
  public static String awaitingApprovalQuery() {
    return RunbookSearchAttributes.PHASE.getName() + "=\"" + Phase.AWAITING_APPROVAL.label() + "\"";
  }

  /** The workflows list of the namespace, filtered by {@code query}. */
  public String list(String query) {
    return baseUrl + "/namespaces/" + enc(namespace) + "/workflows?query=" + enc(query);
  }

  public String awaitingApproval() {
    return list(awaitingApprovalQuery());
  }

  /** One run's page: its event history with summary, details and steps. */
  public String run(String workflowId, String runId) {
    return baseUrl + "/namespaces/" + enc(namespace) + "/workflows/" + enc(workflowId) + "/" + enc(runId) + "/history";
  }

  /** The workflow's page when the run id is not known: the UI opens its latest run. */
  public String workflow(String workflowId) {
    return baseUrl + "/namespaces/" + enc(namespace) + "/workflows/" + enc(workflowId);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
