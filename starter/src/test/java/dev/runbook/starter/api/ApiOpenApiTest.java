package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.workflows.model.ActionRecord;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.IncidentReport;
import dev.runbook.workflows.model.PendingApproval;
import dev.runbook.workflows.model.PendingDecision;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.StepStatus;
import dev.runbook.workflows.testing.Runs;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The served OpenAPI document matches the server's routes and the records it reads and writes. */
class ApiOpenApiTest {
  @RegisterExtension static final TestWorkflowExtension env = Runs.extension();

  private static final Set<String> PUBLIC = Set.of("GET /openapi.json", "GET /metrics", "GET /healthz");

  private ApiHarness api;
  private JsonNode doc;

  @BeforeEach
  void setUp(TestWorkflowEnvironment testEnv, Worker worker, WorkflowClient client) throws IOException {
    api = ApiHarness.start(testEnv, worker, client);
    var r = api.get("/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    doc = r.json();
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private Set<String> documentedRoutes() {
    Set<String> routes = new TreeSet<>();
    doc.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
        .forEachRemaining(method -> routes.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
    return routes;
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    assertThat(doc.path("openapi").asText()).startsWith("3.0.");
    assertThat(api.server.routes()).hasSize(28);
    assertThat(documentedRoutes()).containsExactlyInAnyOrderElementsOf(api.server.routes());
  }

  @Test
  void bearerAuthCoversEverythingButThePublicEndpoints() {
    JsonNode scheme = doc.path("components").path("securitySchemes").path("bearerAuth");
    assertThat(scheme.path("type").asText()).isEqualTo("http");
    assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
    assertThat(doc.path("security").get(0).has("bearerAuth")).isTrue();

    for (String route : api.server.routes()) {
      String[] parts = route.split(" ");
      JsonNode op = doc.path("paths").path(parts[1]).path(parts[0].toLowerCase(java.util.Locale.ROOT));
      assertThat(op.path("operationId").asText()).as(route).isNotBlank();
      boolean open = op.has("security") && op.path("security").isEmpty();
      assertThat(open).as(route).isEqualTo(PUBLIC.contains(route));
      if (!open) {
        assertThat(op.path("responses").has("401")).as(route).isTrue();
      }
      if (parts[0].equals("POST")) {
        assertThat(op.path("responses").fieldNames()).toIterable().as(route).contains("400", "413", "415");
        assertThat(op.path("requestBody").path("content").has("application/json")).as(route).isTrue();
      }
    }
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      JsonNode target = doc.at(ref.substring(1));
      assertThat(target.isMissingNode()).as(ref).isFalse();
    }
  }

  /** The field's name in JSON: its {@code @JsonProperty} name, else the component's. */
  private static String wireName(RecordComponent c) {
    var renamed = c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
    return renamed != null ? renamed.value() : c.getName();
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.fields().forEachRemaining(f -> {
        if (f.getKey().equals("$ref")) {
          refs.add(f.getValue().asText());
        } else {
          collectRefs(f.getValue(), refs);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, refs));
    }
  }

  @Test
  void schemasListExactlyTheFieldsOfTheRecordsOnTheWire() {
    Map<String, Class<?>> schemas = Map.ofEntries(
        Map.entry("EmergencyRollbackRequest", EmergencyRollbackRequest.class),
        Map.entry("DatabaseRollbackRequest", DatabaseRollbackRequest.class),
        Map.entry("FullRollbackRequest", FullRollbackRequest.class),
        Map.entry("StartedRun", RunsApi.StartedRun.class),
        Map.entry("RunList", RunsApi.RunList.class),
        Map.entry("ApproveBody", RunsApi.ApproveBody.class),
        Map.entry("RejectBody", RunsApi.RejectBody.class),
        Map.entry("DecideBody", RunsApi.DecideBody.class),
        Map.entry("CancelBody", RunsApi.CancelBody.class),
        Map.entry("DisarmBody", RunsApi.DisarmBody.class),
        Map.entry("Armed", dev.runbook.workflows.model.Armed.class),
        Map.entry("AlertRef", dev.runbook.workflows.model.AlertRef.class),
        Map.entry("RunStatus", RunStatus.class),
        Map.entry("StepStatus", StepStatus.class),
        Map.entry("PendingApproval", PendingApproval.class),
        Map.entry("PendingDecision", PendingDecision.class),
        Map.entry("ActionRecord", ActionRecord.class),
        Map.entry("RollbackLogEntry", RollbackLogEntry.class),
        Map.entry("BackupListing", BackupsApi.BackupListing.class),
        Map.entry("BackupRecord", BackupRecord.class),
        Map.entry("BackupImportBody", BackupsApi.ImportBody.class),
        Map.entry("ImportedBackup", dev.runbook.workflows.activities.DatabaseActivities.ImportResult.class),
        Map.entry("DatabaseIdentity", dev.runbook.workflows.activities.DatabaseIdentity.class),
        Map.entry("BackupBody", BackupsApi.BackupBody.class),
        Map.entry("PruneBody", BackupsApi.PruneBody.class),
        Map.entry("Pruned", dev.runbook.starter.BackupJobs.Pruned.class),
        Map.entry("Removal", dev.runbook.workflows.activities.RetentionActivities.Removal.class),
        Map.entry("Kept", dev.runbook.workflows.activities.RetentionActivities.Kept.class),
        Map.entry("Receipt", Receipt.class),
        Map.entry("AlertOutcome", AlertmanagerWebhook.Outcome.class),
        Map.entry("AlertmanagerAnswer", AlertmanagerWebhook.Answer.class),
        Map.entry("DeployBody", ReleasesApi.DeployBody.class),
        Map.entry("ReleaseList", ReleasesApi.ReleaseList.class),
        Map.entry("Release", dev.runbook.starter.Releases.Release.class),
        Map.entry("DrillList", DrillsApi.DrillList.class),
        Map.entry("DrillLogEntry", dev.runbook.workflows.model.DrillLogEntry.class),
        Map.entry("DrillBody", DrillsApi.DrillBody.class),
        Map.entry("DrillRunning", DrillsApi.DrillRunning.class),
        Map.entry("DrillReport", dev.runbook.workflows.model.DrillReport.class),
        Map.entry("IncidentReport", IncidentReport.class),
        Map.entry("ReportLive", IncidentReport.Live.class),
        Map.entry("ReportStep", IncidentReport.Step.class),
        Map.entry("ReportAct", IncidentReport.Act.class),
        Map.entry("ReportVersionChange", IncidentReport.VersionChange.class),
        Map.entry("ReportSchemaChange", IncidentReport.SchemaChange.class),
        Map.entry("ReportConfigChange", IncidentReport.ConfigChange.class),
        Map.entry("ReportBackups", IncidentReport.Backups.class),
        Map.entry("ReportBackup", IncidentReport.Backup.class),
        Map.entry("ReportDiscarded", IncidentReport.Discarded.class),
        Map.entry("ReportTableRows", IncidentReport.TableRows.class),
        Map.entry("ReportSla", IncidentReport.Sla.class),
        Map.entry("ReportNotification", IncidentReport.Notification.class),
        Map.entry("ReportChecklist", IncidentReport.Checklist.class),
        Map.entry("ReportChecklistItem", IncidentReport.ChecklistItem.class),
        Map.entry("ChecklistState", dev.runbook.workflows.model.ChecklistState.class),
        Map.entry("ChecklistItemState", dev.runbook.workflows.model.ChecklistItemState.class),
        Map.entry("ChecklistDoneBody", ChecklistsApi.DoneBody.class));
    JsonNode components = doc.path("components").path("schemas");
    schemas.forEach((name, type) -> {
      Set<String> documented = new HashSet<>();
      components.path(name).path("properties").fieldNames().forEachRemaining(documented::add);
      Set<String> fields = new HashSet<>(Arrays.stream(type.getRecordComponents()).map(ApiOpenApiTest::wireName).toList());
      assertThat(documented).as(name).isEqualTo(fields);
    });
    for (String request : List.of("EmergencyRollbackRequest", "DatabaseRollbackRequest", "FullRollbackRequest")) {
      assertThat(components.path(request).path("additionalProperties").asBoolean(true)).as(request).isFalse();
      assertThat(components.path(request).path("required").toString()).doesNotContain("requestedBy");
    }
  }
}
