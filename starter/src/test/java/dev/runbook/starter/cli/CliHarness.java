package dev.runbook.starter.cli;

import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupJobs;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.ImportClient;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.client.TemporalJobs;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.DrillLogEntry;
import dev.runbook.workflows.model.RollbackLogEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the CLI tests share: the CLI through picocli, acting through a test server's client, with
 * the rollback log and the backups kept in the lists the test fills.
 */
final class CliHarness implements CliContext {
  /** What one invocation printed and returned. */
  record Result(int exit, String out, String err) {}

  private final RunbookClient client;
  private final Releases releases;
  private final Map<String, Environment> environments;
  private final List<RollbackLogEntry> logRows;
  private final List<BackupRecord> backupRows;
  private dev.runbook.starter.client.DrillDefaults drillDefaults = dev.runbook.starter.client.DrillDefaults.none();

  /** The configured drills the CLI's drill command takes its defaults from. */
  CliHarness withDrills(dev.runbook.starter.client.DrillDefaults defaults) {
    this.drillDefaults = defaults;
    return this;
  }

  CliHarness(RunbookClient client, Releases releases, Map<String, Environment> environments,
      List<RollbackLogEntry> logRows, List<BackupRecord> backupRows) {
    this.client = client;
    this.releases = releases;
    this.environments = environments;
    this.logRows = logRows;
    this.backupRows = backupRows;
  }

  /** Runs one command line, as {@code runbook ARGS} would. */
  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = RunbookCli.build(this, Map.of(), args);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Override
  public RunbookClient client() {
    return client;
  }

  @Override
  public RollbackLog log() {
    return (limit, service, open, drills) -> logRows.stream()
        .filter(e -> service == null || e.services().contains(service))
        .filter(e -> !open || e.outcome() == null)
        .filter(e -> drills || e.drill() == null).limit(limit).toList();
  }

  /** The incident reports a test adds. */
  final List<dev.runbook.workflows.model.IncidentReport> reportRows = new ArrayList<>();

  @Override
  public dev.runbook.starter.IncidentReports reports() {
    return workflowId -> reportRows.stream().filter(r -> r.workflowId().equals(workflowId)).findFirst();
  }

  /** The drills a test adds, newest first. */
  final List<DrillLogEntry> drillRows = new ArrayList<>();

  @Override
  public DrillLog drills() {
    return new DrillLog() {
      @Override
      public List<DrillLogEntry> recent(int limit, String target) {
        return drillRows.stream().filter(d -> target == null || d.target().equals(target)).limit(limit).toList();
      }

      @Override
      public Optional<DrillLogEntry> find(String workflowId) {
        return drillRows.stream().filter(d -> d.workflowId().equals(workflowId)).findFirst();
      }
    };
  }

  @Override
  public Releases releases() {
    return releases;
  }

  @Override
  public BackupList backups() {
    return (database, limit) -> backupRows.stream()
        .filter(b -> database == null || b.database().equals(database)).limit(limit).toList();
  }

  @Override
  public BackupImports imports() {
    return new ImportClient(client);
  }

  @Override
  public BackupJobs jobs() {
    return new TemporalJobs(client, Duration.ofSeconds(20));
  }

  /** The checklist rows the rollback log keeps, by run, that a test adds. */
  final Map<String, List<dev.runbook.workflows.model.ChecklistItemState>> checklistRows = new java.util.HashMap<>();

  @Override
  public dev.runbook.starter.Checklists checklists() {
    return new dev.runbook.starter.client.TemporalChecklists(client,
        run -> checklistRows.getOrDefault(run, List.of()));
  }

  @Override
  public dev.runbook.starter.DrillJobs drillJobs() {
    return new dev.runbook.starter.client.Drills(client, drillDefaults);
  }

  @Override
  public Map<String, Environment> environments() {
    return environments;
  }
}
