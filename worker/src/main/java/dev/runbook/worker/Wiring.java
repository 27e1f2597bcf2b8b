package dev.runbook.worker;

import dev.runbook.activities.audit.AuditActivitiesImpl;
import dev.runbook.activities.audit.DrillActivitiesImpl;
import dev.runbook.activities.drill.BreakSpec;
import dev.runbook.activities.drill.DrillBreakActivitiesImpl;
import dev.runbook.activities.audit.DrillLogStore;
import dev.runbook.activities.check.CheckActivitiesImpl;
import dev.runbook.activities.checklist.ChecklistActivitiesImpl;
import dev.runbook.activities.checklist.ChecklistStore;
import dev.runbook.activities.checklist.ItemChecks;
import dev.runbook.activities.config.ConfigActivitiesImpl;
import dev.runbook.activities.config.ConfigKey;
import dev.runbook.activities.database.BackupCatalog;
import dev.runbook.activities.database.DatabaseActivitiesImpl;
import dev.runbook.activities.database.LoggedRunLiveness;
import dev.runbook.activities.database.RetentionActivitiesImpl;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.activities.notify.JdbcDeliveryLog;
import dev.runbook.activities.notify.JdbcStatuspageIncidents;
import dev.runbook.activities.notify.NotifyActivitiesImpl;
import dev.runbook.activities.plan.PlanActivitiesImpl;
import dev.runbook.activities.policy.PolicyActivitiesImpl;
import dev.runbook.activities.service.ServiceActivitiesImpl;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.starter.DrillLog;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.worker.config.RunbookConfig;
import dev.runbook.worker.metrics.Metrics;
import dev.runbook.worker.temporal.TemporalRuns;
import io.temporal.client.WorkflowClient;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Builds every activity implementation from the configuration: the one place they meet; and the
 * read side of the drills table, which the CLI and the API share.
 */
public final class Wiring {
  private Wiring() {}

  /**
   * The runs' incident reports, built from the rollback log, with the checklist that followed each
   * run as the checklist recorded it.
   */
  public static dev.runbook.starter.IncidentReports incidentReports(DataSource auditDatabase) {
    var store = new dev.runbook.activities.audit.IncidentReportStore(auditDatabase,
        checklistsOfRuns(new dev.runbook.activities.checklist.ChecklistStore(auditDatabase)),
        java.time.Clock.systemUTC());
    return store::report;
  }

  /**
   * A run's checklist for its report: the items its checklist last wrote; "done" when every item
   * is, else "open" ("closed" items stay open in the record once the checklist gave up on them).
   */
  public static dev.runbook.activities.audit.ReportSources checklistsOfRuns(
      dev.runbook.activities.checklist.ChecklistStore checklists) {
    return (workflowId, runId) -> {
      var items = checklists.items(workflowId, runId);
      if (items.isEmpty()) {
        return java.util.Optional.empty();
      }
      boolean done = items.stream().allMatch(dev.runbook.workflows.model.ChecklistItemState::done);
      var rows = items.stream()
          .map(i -> new dev.runbook.workflows.model.IncidentReport.ChecklistItem(i.id() + ": " + i.title(), i.owner(),
              i.dueAt(), i.state(), i.doneAt(), i.doneBy(), i.note() != null ? i.note() : i.evidence()))
          .toList();
      return java.util.Optional.of(new dev.runbook.workflows.model.IncidentReport.Checklist(
          done ? "done" : "open", rows, java.time.Instant.now()));
    };
  }

  /** The drills table as the CLI and the API read it. */
  public static DrillLog drillLog(DataSource auditDatabase) {
    DrillLogStore store = new DrillLogStore(auditDatabase);
    return new DrillLog() {
      @Override
      public List<DrillLogEntry> recent(int limit, String target) {
        return store.recent(limit, target);
      }

      @Override
      public Optional<DrillLogEntry> find(String workflowId) {
        return store.find(workflowId);
      }
    };
  }

  /**
   * @param temporal the server the worker polls, asked by retention whether a run still goes on
   * @param configKey the key configuration snapshots are sealed with ({@link ConfigKeys}), or null
   *     when no service keeps a configuration
   */
  /** The kind of a configured service or environment, or null for neither. */
  static String kindOf(RunbookConfig c, String target) {
    if (c.services().containsKey(target)) {
      return c.services().get(target).kind();
    }
    return c.environments().containsKey(target) ? c.environments().get(target).kind() : null;
  }

  public static Object[] activities(Settings settings, AuditDatabase audit, Metrics metrics, PrintStream console,
      WorkflowClient temporal, ConfigKey configKey) {
    return activities(settings, audit, metrics, console, temporal, configKey, null);
  }

  /** @param ui where each run's page is, printed to {@code console} as runs start; null: not printed */
  public static Object[] activities(Settings settings, AuditDatabase audit, Metrics metrics, PrintStream console,
      WorkflowClient temporal, ConfigKey configKey, dev.runbook.worker.temporal.TemporalUi ui) {
    RunbookConfig c = settings.config();
    ReleaseLedger ledger = new ReleaseLedger(audit.dataSource(), Clock.systemUTC());
    DatabaseActivitiesImpl databases = new DatabaseActivitiesImpl(c.databases(), settings.backupDir(),
        settings.baseDir(), Clock.systemUTC(), new BackupCatalog(audit.dataSource()));
    ConfigActivitiesImpl configs =
        new ConfigActivitiesImpl(c.services(), settings.baseDir(), configKey, audit.dataSource(), ledger);
    Map<String, BreakSpec> breaks = c.drillBreaks(settings.baseDir());
    ServiceActivitiesImpl services = new ServiceActivitiesImpl(c.services(), settings.baseDir(), settings.stateDir(),
        ledger);
    CheckActivitiesImpl checks = new CheckActivitiesImpl(ServiceSettings.checksByService(c.services()),
        settings.baseDir());
    JdbcStatuspageIncidents incidents = new JdbcStatuspageIncidents(audit.dataSource());
    return new Object[] {
      services,
      configs,
      checks,
      databases,
      new RetentionActivitiesImpl(databases,
          new LoggedRunLiveness(audit.dataSource(), new TemporalRuns(temporal)), Clock.systemUTC()),
      new NotifyActivitiesImpl(
          c.notifications(), new JdbcDeliveryLog(audit.dataSource()),
          incidents, console,
          java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build(),
          personalLinks(c)),
      new AuditActivitiesImpl(audit.dataSource(), metrics::onEvent, batch -> {
        if (ui != null) {
          console.println("run " + batch.workflowId() + " started: " + ui.run(batch.workflowId(), batch.runId()));
          console.flush();
        }
      }),
      new DrillActivitiesImpl(audit.dataSource(), metrics::onDrill, target -> kindOf(c, target)),
      new DrillBreakActivitiesImpl(audit.dataSource(), breaks::get, configs::overwrite),
      new PolicyActivitiesImpl(c::policySnapshot, c::slas),
      new PlanActivitiesImpl(services, databases, configs),
      new ChecklistActivitiesImpl(c.checklists(), () -> c.policySnapshot().people(),
          new ItemChecks(services::health, checks, c.databases(), incidents), new ChecklistStore(audit.dataSource()))
    };
  }

  /** The one-time console links approval requests carry, when api.console has a secret and a URL. */
  static dev.runbook.activities.notify.PersonalLinks personalLinks(dev.runbook.worker.config.RunbookConfig c) {
    var console = c.apiSettings().console();
    if (!console.linksEnabled()) {
      return dev.runbook.activities.notify.PersonalLinks.NONE;
    }
    Map<String, java.util.List<String>> roles = new java.util.LinkedHashMap<>();
    c.people().forEach(p -> roles.put(p.name(), p.roles() == null ? java.util.List.of() : p.roles()));
    return new dev.runbook.activities.notify.PersonalLinks(console.secret(), console.url(), console.linkTtl(), roles,
        Clock.systemUTC());
  }
}
