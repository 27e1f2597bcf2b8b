package dev.runbook.workflows.client;

import com.google.protobuf.ByteString;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The open workflow executions of a client's namespace (of every task queue), found by workflow
 * ID through the legacy open-executions listing, which the real server and the Java test server
 * both answer. Client-side code, for the worker's start-up and the starter: workflow code never
 * calls it, since it asks Temporal's service directly.
 */
public final class OpenExecutions {
  private static final int PAGE_SIZE = 1000;

  private OpenExecutions() {}

  /**
   * The ID of the first open execution whose workflow ID matches, in the listing's order; empty
   * when none does. No page after the one that holds it is asked for.
   */
  public static Optional<String> first(WorkflowClient client, Predicate<String> workflowId) {
    return open(client).map(i -> i.getExecution().getWorkflowId()).filter(workflowId).findFirst();
  }

  /**
   * The IDs of the open executions of this workflow type whose workflow ID matches, each once, in
   * the listing's order.
   */
  public static List<String> all(WorkflowClient client, String workflowType, Predicate<String> workflowId) {
    return open(client).filter(i -> workflowType.equals(i.getType().getName()))
        .map(i -> i.getExecution().getWorkflowId()).filter(workflowId).distinct().toList();
  }

  /** Every open execution, a page asked for only when the ones before it have been read. */
  private static Stream<WorkflowExecutionInfo> open(WorkflowClient client) {
    return Stream.iterate(page(client, ByteString.EMPTY), Objects::nonNull,
            r -> r.getNextPageToken().isEmpty() ? null : page(client, r.getNextPageToken()))
        .flatMap(r -> r.getExecutionsList().stream());
  }

  private static ListOpenWorkflowExecutionsResponse page(WorkflowClient client, ByteString token) {
    return client.getWorkflowServiceStubs().blockingStub()
        .listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setMaximumPageSize(PAGE_SIZE)
            .setNextPageToken(token)
            .build());
  }
}
