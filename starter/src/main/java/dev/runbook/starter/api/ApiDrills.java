package dev.runbook.starter.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.starter.DrillJobs;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.client.DrillStart;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks.Started;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.DrillReport;
import dev.runbook.workflows.model.Receipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Rollback drills through the HTTP API, as the CLI starts, cancels and reads them. */
public final class ApiDrills implements DrillJobs, DrillLog {
  private final ApiWire wire;

  ApiDrills(ApiWire wire) {
    this.wire = wire;
  }

  @Override
  public Started drill(DrillStart start, String person) {
    JsonNode answer = wire.send("POST", DrillsApi.PATH, ApiWire.READ.valueToTree(start), person);
    return new Started(answer.path("workflowId").asText(), answer.path("runId").asText(null), false);
  }

  @Override
  public Receipt cancelDrill(String workflowId, String person, String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (reason != null) {
      body.put("reason", reason);
    }
    return ApiWire.read(wire.send("POST", DrillsApi.PATH + "/" + ApiWire.encode(workflowId) + "/cancel",
        ApiWire.READ.valueToTree(body), person), Receipt.class);
  }

  /** Asks for the report a minute at a time (the most the API waits per request) until {@code wait} has passed. */
  @Override
  public Optional<DrillReport> report(String workflowId, Duration wait) {
    long until = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = Math.max(0, (until - System.nanoTime()) / 1_000_000_000L);
      int seconds = (int) Math.min(DrillsApi.MAX_WAIT_SECONDS, left);
      ApiWire.Answer a = wire.exchange("GET", DrillsApi.PATH + "/" + ApiWire.encode(workflowId) + "/report?wait="
          + seconds, null, null, Duration.ofSeconds(seconds + 30L));
      if (a.status() == 200) {
        return Optional.of(ApiWire.read(a.body(), DrillReport.class));
      }
      if (left <= 0) {
        return Optional.empty();
      }
    }
  }

  @Override
  public List<DrillLogEntry> recent(int limit, String target) {
    JsonNode list = wire.send("GET", DrillsApi.PATH + "?limit=" + ApiWire.limit(limit)
        + (target == null ? "" : "&target=" + ApiWire.encode(target)), null, null).path("drills");
    List<DrillLogEntry> out = new ArrayList<>();
    list.forEach(d -> out.add(ApiWire.read(d, DrillLogEntry.class)));
    return out;
  }

  @Override
  public Optional<DrillLogEntry> find(String workflowId) {
    try {
      return Optional.of(ApiWire.read(wire.send("GET", DrillsApi.PATH + "/" + ApiWire.encode(workflowId), null, null),
          DrillLogEntry.class));
    } catch (RunbookException.UnknownRun unknown) {
      return Optional.empty();
    }
  }
}
