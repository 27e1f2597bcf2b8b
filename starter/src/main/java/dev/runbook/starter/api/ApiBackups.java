package dev.runbook.starter.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupJobs;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.client.ImportClient;
import dev.runbook.starter.client.Runbooks.Started;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.model.BackupRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Backups through the HTTP API, as the CLI takes, imports, prunes and lists them. */
public final class ApiBackups implements BackupList, BackupImports, BackupJobs {
  private final ApiWire wire;

  ApiBackups(ApiWire wire) {
    this.wire = wire;
  }

  @Override
  public Started backup(String database, String reason, String person) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("database", database);
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonNode answer = wire.send("POST", BackupsApi.PATH, ApiWire.READ.valueToTree(body), person);
    return new Started(answer.path("workflowId").asText(), answer.path("runId").asText(null), false);
  }

  @Override
  public Pruned prune(String database, boolean dryRun, String person) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (database != null) {
      body.put("database", database);
    }
    body.put("dryRun", dryRun);
    return ApiWire.read(wire.send("POST", BackupsApi.PRUNE, ApiWire.READ.valueToTree(body), person), Pruned.class);
  }

  @Override
  public List<BackupRecord> recent(String database, int limit) {
    JsonNode list = wire.send("GET", BackupsApi.PATH + "?limit=" + ApiWire.limit(limit)
        + (database == null ? "" : "&database=" + ApiWire.encode(database)), null, null).path("backups");
    List<BackupRecord> out = new ArrayList<>();
    list.forEach(b -> out.add(ApiWire.read(b, BackupRecord.class)));
    return out;
  }

  @Override
  public ImportResult importBackup(String database, String file, String person) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("database", database);
    body.put("file", file);
    // The server waits for the import up to ImportClient.WAIT; this waits a little longer.
    ApiWire.Answer a = wire.exchange("POST", BackupsApi.IMPORTS, ApiWire.READ.valueToTree(body), person,
        ImportClient.WAIT.plusMinutes(5));
    return ApiWire.read(a.body(), ImportResult.class);
  }
}
