package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Validation;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runbook backup DATABASE}: a backup as a run of its own, on demand; {@code runbook backup
 * import DATABASE FILE} ({@link BackupCommands.Import}) takes a dump people already have.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
    customSynopsis = {"runbook backup DATABASE [-r REASON] [--watch] [--as NAME] [--json] [-c FILE]",
        "runbook backup import DATABASE FILE [--as NAME] [--json] [-c FILE]"},
    description = {"Back up a configured database now, as a run of its own (backup-DATABASE-TAG): the same"
        + " verified pg_dump, manifest and identity as a runbook's backup step, recorded in the rollback log and"
        + " listed by `runbook backups`. It holds no service: it never blocks a rollback, nor another backup."
        + " When it fails for good the team is told. Scheduled backups come from databases.NAME.backup.schedule.",
        "",
        "runbook backup import DATABASE FILE takes a dump you already have instead (see runbook backup import --help)."})
final class BackupCommand extends Common implements Callable<Integer> {
  // Optional to picocli only so that `backup import ...` reaches its subcommand; call() requires it.
  @Parameters(index = "0", arity = "0..1", paramLabel = "DATABASE",
      description = "A database from databases in the configuration.")
  String database;

  @Spec CommandSpec spec;

  @Option(names = {"-r", "--reason"}, description = "Why (default: backup on demand).")
  String reason;

  @Option(names = "--as", description = "Who asks, in a local dev (default: $RUNBOOK_AS, else your user name); elsewhere your token says it.")
  String as;

  @Option(names = "--watch", description = "Follow the run until it ends.")
  boolean watch;

  BackupCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (database == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'DATABASE': say"
          + " which database to back up (runbook backup shop), or import a dump you have (runbook backup import"
          + " DATABASE FILE)");
    }
    if (!Validation.NAME.matcher(database).matches()) {
      throw new RunbookException.InvalidRequest("DATABASE '" + Validation.printable(database) + "' is not a"
          + " database name: give a name from databases in the configuration, e.g. runbook backup shop");
    }
    Runbooks.Started started = context.jobs().backup(database, reason, person(as));
    if (json && !watch) {
      Output.json(out(), started);
      return 0;
    }
    if (!json) {
      out().printf("started %s (run %s)%n", started.workflowId(), started.runId());
      out().printf("  follow it:  runbook watch %s%n", started.workflowId());
      out().flush();
    }
    if (!watch) {
      return 0;
    }
    RunStatus end = Watch.follow(context.client(), started.workflowId(), out(), json);
    return end.phase() == Phase.SUCCEEDED ? 0 : 1;
  }
}
