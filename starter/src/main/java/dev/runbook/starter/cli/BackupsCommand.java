package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbook backups [DATABASE]}: what a restore can take, and where each backup came from. */
@Command(name = "backups", mixinStandardHelpOptions = true,
    description = {"The backups taken, newest first, from the rollback log: the database each came from"
        + " (its server's system identifier, address and physical name), when, size, schema version,"
        + " verified, and the run and step that took it, or who imported it from which file (`runbook backup"
        + " import`). A restore takes a BACKUP ID from here (start database SERVICE --mode restore --backup ID);"
        + " one of another database needs --cross-restore."})
final class BackupsCommand extends Common implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DATABASE",
      description = "Only this configured database's backups (default: every database's).")
  String database;

  @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
  int limit;

  BackupsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (database != null && !Validation.NAME.matcher(database).matches()) {
      throw new RunbookException.InvalidRequest("DATABASE '" + Validation.printable(database) + "' is not a"
          + " database name: give a name from databases in the configuration, e.g. runbook backups shop");
    }
    if (limit < 1) {
      throw new RunbookException.InvalidRequest("--limit " + limit + " must be at least 1");
    }
    List<BackupRecord> backups = context.backups().recent(database, limit);
    if (json) {
      Output.json(out(), backups);
      return 0;
    }
    if (backups.isEmpty()) {
      out().println("no backups" + (database == null ? "" : " of " + database) + " in the rollback log yet:"
          + " `runbook backup DATABASE` takes one now (and databases.NAME.backup.schedule on a schedule), as does"
          + " a database rollback or an emergency one with --with-database; `runbook backup import DATABASE FILE`"
          + " imports a dump you have");
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (BackupRecord b : backups) {
      rows.add(List.of(
          Output.when(b.createdAt()),
          b.database(),
          b.backupId(),
          bytes(b.sizeBytes()),
          b.schemaVersion() == null ? "-" : b.schemaVersion(),
          b.removedAt() != null ? "removed " + Output.when(b.removedAt()) : b.verified() ? "yes" : "no",
          source(b),
          b.systemIdentifier() == null ? "unknown" : b.systemIdentifier(),
          origin(b)));
    }
    Output.table(out(), List.of("TAKEN", "DATABASE", "BACKUP", "SIZE", "SCHEMA", "VERIFIED", "FROM",
        "SYSTEM ID", "TAKEN BY"), rows);
    return 0;
  }

  private static String source(BackupRecord b) {
    if (b.physicalDatabase() == null) {
      return "-";
    }
    return b.physicalDatabase() + (b.host() == null ? "" : " on " + b.host() + (b.port() == null ? "" : ":" + b.port()));
  }

  private static String origin(BackupRecord b) {
    if (b.importedBy() != null) {
      return b.importedDescription();
    }
    if (b.workflowId() == null) {
      return b.step() == null ? "-" : b.step();
    }
    return b.workflowId() + (b.step() == null ? "" : " " + b.step());
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
