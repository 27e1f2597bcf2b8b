package dev.runbook.starter.cli;

import dev.runbook.starter.client.Runbooks;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.DatabaseMode;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RestoreStrategy;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbook start emergency|database|full}. */
final class StartCommands {
  static final String ARM = "Arm the run: tell the team, wait WINDOW (e.g. 15m) for a fix forward, then roll back"
      + " unless disarmed (runbook disarm RUN, or cancel). Once the target is known; approvers are asked at once.";

  private StartCommands() {}

  /** The fields every runbook takes. */
  static final class RequestOptions {
    @Option(names = {"-s", "--severity"}, required = true,
        description = "P0 (no approval), P1 (an engineering lead approves) or P2 (a manager approves).")
    String severity;

    @Option(names = {"-r", "--reason"}, required = true, description = "Why this rollback is needed.")
    String reason;

    @Option(names = "--as", description = "Who asks, in a local dev (default: $RUNBOOK_AS, else your user name); elsewhere your token says it.")
    String as;

    @Option(names = "--incident", description = "Incident reference, shown in messages and the log.")
    String incident;

    @Option(names = "--dry-run", description = "Plan every action and change nothing. A dry run gets an ID of its own"
        + " (dryrun-...), holds no service, and ends with its plan so far at a step it cannot plan.")
    boolean dryRun;

    @Option(names = "--not-before", description = "P2 only: earliest start, ISO-8601 (2026-11-21T22:00:00Z).")
    String notBefore;

    @Option(names = "--watch", description = "Follow the run until it ends.")
    boolean watch;

    Severity severity() {
      return Severity.parse(severity);
    }

    Instant notBefore() {
      if (notBefore == null) {
        return null;
      }
      try {
        return Instant.parse(notBefore);
      } catch (DateTimeParseException e) {
        throw new RunbookException.InvalidRequest(
            "--not-before '" + notBefore + "' is not a time: write it like 2026-11-21T22:00:00Z");
      }
    }
  }

  abstract static class Start extends Common implements Callable<Integer> {
    @Mixin RequestOptions common;

    Start(CliContext context) {
      super(context);
    }

    abstract RunbookRequest request();

    /** The armed window asked for, or null. */
    Duration armFor() {
      return null;
    }

    @Override
    public Integer call() {
      RunbookRequest request = request();
      Runbooks client = context.client();
      Runbooks.Started started = client.start(request);
      if (json && !common.watch) {
        Output.json(out(), started);
        return 0;
      }
      if (!json) {
        out().printf("started %s (run %s)%n", started.workflowId(), started.runId());
        if (started.dryRun()) {
          out().printf("  %s%n", Output.DRY_RUN);
        }
        if (armFor() != null) {
          out().printf("  armed: %s goes ahead in %s unless disarmed: runbook disarm %s --reason WHY%n",
              started.dryRun() ? "a real run" : "the rollback", Durations.human(armFor()), started.workflowId());
        }
        out().printf("  follow it:  runbook watch %s%n", started.workflowId());
        String page = context.runPage(started.workflowId(), started.runId());
        if (page != null) {
          out().println("  Temporal UI: " + page);
        }
        out().flush();
      }
      if (!common.watch) {
        return 0;
      }
      RunStatus end = Watch.follow(client, started.workflowId(), out(), json);
      return end.phase() == Phase.SUCCEEDED ? 0 : 1;
    }
  }

  @Command(name = "emergency", mixinStandardHelpOptions = true,
      description = "Roll a service back to a known good version, optionally with its schema change and its"
          + " configuration; or only its configuration (--config-only).")
  static final class Emergency extends Start {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service to roll back.")
    String service;

    @Option(names = "--to-version", description = "Version to deploy (default: the newest one the release ledger"
        + " knows verified healthy and never rolled back from).")
    String toVersion;

    @Option(names = "--force", description = "Deploy --to-version even though it was rolled back from; recorded"
        + " with the run's reason.")
    boolean force;

    @Option(names = "--with-database", description = "Also back up and revert the schema.")
    boolean withDatabase;

    @Option(names = "--config-only", description = "Restore the last known good configuration (the release ledger's:"
        + " of the newest release verified healthy, never rolled back from), restart and verify; the version stays.")
    boolean configOnly;

    @Option(names = "--with-config", description = "Also restore the configuration the target version last ran"
        + " healthy with: version and configuration together.")
    boolean withConfig;

    @Option(names = "--database", description = "The database to revert (default: the service's own).")
    String database;

    @Option(names = "--to-migration", description = "Schema version to revert to (default: what the target needs).")
    String toMigration;

    @Option(names = "--monitor-for", description = "How long to watch health afterwards (default 15m).")
    String monitorFor;

    @Option(names = "--arm", paramLabel = "WINDOW", description = ARM)
    String arm;

    Emergency(CliContext context) {
      super(context);
    }

    @Override
    RunbookRequest request() {
      return new EmergencyRollbackRequest(service, common.severity(), common.reason,
          person(common.as), common.dryRun, common.incident, toVersion, withDatabase, database,
          toMigration, duration("--monitor-for", monitorFor), common.notBefore(), force,
          duration("--arm", arm), null, configOnly, withConfig);
    }

    @Override
    Duration armFor() {
      return duration("--arm", arm);
    }
  }

  @Command(name = "database", mixinStandardHelpOptions = true,
      description = "Roll a service's database back: revert migrations (no data lost) or restore a backup.")
  static final class Database extends Start {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service that owns the database.")
    String service;

    @Option(names = "--database", description = "The database (default: the service's own).")
    String database;

    @Option(names = "--mode", description = "revert or restore (default: restore if the integrity checks fail, else revert).")
    String mode;

    @Option(names = "--strategy", description = "For restore: staged-swap (default) or in-place (the default for a database whose engine: command cannot stage a copy).")
    String strategy;

    @Option(names = "--to-migration", description = "Revert down to this schema version.")
    String toMigration;

    @Option(names = "--steps", description = "Revert the last N migrations (default 1).")
    Integer steps;

    @Option(names = "--backup", paramLabel = "ID",
        description = "For restore: a backup ID from `runbook backups DATABASE` (default: the newest verified backup of this very database).")
    String backup;

    @Option(names = "--backup-file", paramLabel = "FILE",
        description = "For restore: a dump file you already have, as an absolute path on the workers (any pg_dump"
            + " format; see `runbook backup import --help`). The run imports it as a backup of the database first,"
            + " asserted by you, then restores it. Instead of --backup.")
    String backupFile;

    @Option(names = "--cross-restore",
        description = "Restore --backup even though it was taken from another database (another server or physical"
            + " name): a deliberate copy, e.g. production into staging. Shown in the plan and recorded in the log.")
    boolean crossRestore;

    @Option(names = "--data-corrupted", arity = "0..1", fallbackValue = "true",
        description = "Say whether the data is corrupted instead of running the integrity checks.")
    Boolean dataCorrupted;

    @Option(names = "--stop", split = ",", description = "Services that write to the database (default: SERVICE).")
    List<String> stop;

    Database(CliContext context) {
      super(context);
    }

    @Override
    RunbookRequest request() {
      String problem = Validation.backupIdProblem("--backup", backup, database != null ? database : service);
      if (problem != null) {
        throw new RunbookException.InvalidRequest(problem.replace("as backupFile (`--backup-file",
            "with --backup-file instead (`--backup-file"));
      }
      if (backup != null && backupFile != null) {
        throw new RunbookException.InvalidRequest("--backup and --backup-file are exclusive: --backup names a backup"
            + " `runbook backups` lists, --backup-file a dump file to import and restore");
      }
      return new DatabaseRollbackRequest(service, database, common.severity(), common.reason,
          person(common.as), common.dryRun, common.incident,
          mode == null ? null : DatabaseMode.parse(mode),
          strategy == null ? null : RestoreStrategy.parse(strategy),
          toMigration, steps, backup, dataCorrupted, stop, common.notBefore(), crossRestore, backupFile);
    }
  }

  @Command(name = "full", mixinStandardHelpOptions = true,
      description = "Roll back every service of an environment, its databases and the configuration of the services"
          + " that have one (the one each target version last ran healthy with).")
  static final class Full extends Start {
    @Parameters(index = "0", paramLabel = "ENV", description = "The environment, as configured.")
    String environment;

    @Option(names = "--services", split = ",", description = "Services in start order (default: the environment's).")
    List<String> services;

    @Option(names = "--databases", split = ",", description = "Databases to back up and revert (default: the environment's).")
    List<String> databases;

    @Option(names = "--to-version", description = "SERVICE=VERSION, repeatable (default: each one's last known good).")
    Map<String, String> toVersions = new LinkedHashMap<>();

    @Option(names = "--to-migration", description = "DATABASE=VERSION, repeatable (default: the last migration).")
    Map<String, String> toMigrations = new LinkedHashMap<>();

    @Option(names = "--force", description = "Deploy the --to-version ones even where one was rolled back from;"
        + " recorded with the run's reason.")
    boolean force;

    @Option(names = "--arm", paramLabel = "WINDOW", description = ARM)
    String arm;

    Full(CliContext context) {
      super(context);
    }

    @Override
    RunbookRequest request() {
      // Left out, the services and databases are the environment's, as the workers know it (the
      // API fills them in); a context that knows environments itself fills them here.
      CliContext.Environment env = context.environments().get(environment);
      return new FullRollbackRequest(environment,
          services != null ? services : env == null ? List.of() : env.services(),
          databases != null ? databases : env == null ? null : env.databases(),
          common.severity(), common.reason, person(common.as), common.dryRun, common.incident,
          toVersions.isEmpty() ? null : toVersions, toMigrations.isEmpty() ? null : toMigrations,
          common.notBefore(), force, duration("--arm", arm), null);
    }

    @Override
    Duration armFor() {
      return duration("--arm", arm);
    }
  }

  static Duration duration(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new RunbookException.InvalidRequest(option + ": " + e.getMessage());
    }
  }
}
