package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.Validation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbook backup DATABASE}: a backup as a run of its own, on demand. */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {"Back up a configured database now, as a run of its own (backup-DATABASE-TAG): the same"
        + " verified pg_dump, manifest and identity as a runbook's backup step, recorded in the rollback log and"
        + " listed by `runbook backups`. It holds no service: it never blocks a rollback, nor another backup."
        + " When it fails for good the team is told. Scheduled backups come from databases.NAME.backup.schedule."})
final class BackupCommand extends Common implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DATABASE", description = "A database from databases in the configuration.")
  String database;

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
