package dev.runbook.starter.cli;

import dev.runbook.starter.BackupJobs.Pruned;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.activities.RetentionActivities.Kept;
import dev.runbook.workflows.activities.RetentionActivities.Removal;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbook backups prune [DATABASE] [--dry-run]}: retention now, or what it would remove. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = {"Remove what retention lets go, now, as a cleanup run on the workers (the same one that runs"
        + " daily): backups beyond databases.NAME.retention, safety copies (DB__before_RUN) older than"
        + " safetyCopies.keep (default 7d; never the newest, never one whose run still goes on), staging databases"
        + " (DB__rb_RUN) of runs that have ended or no longer exist, and backup lock files nothing holds. Each"
        + " removal is recorded in the rollback log. --dry-run shows what would go and removes nothing."})
final class PruneCommand extends Common implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DATABASE",
      description = "Only this configured database (default: every one).")
  String database;

  @Option(names = "--dry-run", description = "List what would be removed; remove nothing.")
  boolean dryRun;

  @Option(names = "--as", description = "Who asks, in a local dev (default: $RUNBOOK_AS, else your user name); elsewhere your token says it.")
  String as;

  PruneCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (database != null && !Validation.NAME.matcher(database).matches()) {
      throw new RunbookException.InvalidRequest("DATABASE '" + Validation.printable(database) + "' is not a"
          + " database name: give a name from databases in the configuration, or none for every database");
    }
    Pruned p = context.jobs().prune(database, dryRun, person(as));
    if (json) {
      Output.json(out(), p);
      return p.outcome() == null || p.outcome() == Phase.SUCCEEDED ? 0 : 1;
    }
    if (p.dryRun()) {
      out().println("DRY RUN: nothing is removed; this is what would go");
    }
    if (p.removed() != null && !p.removed().isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      for (Removal r : p.removed()) {
        rows.add(List.of(r.kind().label(), r.database(), r.name(), r.why()));
      }
      Output.table(out(), List.of("KIND", "DATABASE", "NAME", p.dryRun() ? "WOULD GO BECAUSE" : "REMOVED BECAUSE"),
          rows);
    }
    if (p.kept() != null && !p.kept().isEmpty()) {
      out().println("kept on purpose:");
      for (Kept k : p.kept()) {
        out().printf("  %s %s (%s): %s%n", k.kind().label(), k.name(), k.database(), k.why());
      }
    }
    out().printf("%s: %s%n", p.workflowId(), p.outcome() == null ? p.message() : p.outcome().label() + ": " + p.message());
    return p.outcome() == null || p.outcome() == Phase.SUCCEEDED ? 0 : 1;
  }
}
