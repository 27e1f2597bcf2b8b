package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.model.Validation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbook backup import DATABASE FILE}: a dump people already have becomes a backup. */
final class BackupCommands {
  private BackupCommands() {}

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Import a dump file you already have as a backup of DATABASE, so a restore can take it"
          + " (start database SERVICE --mode restore --backup ID, or --backup-file FILE, which imports it itself).",
          "",
          "FILE is a path the WORKERS can read, not this machine: backups usually live on the database or backup"
              + " host, where a worker runs. Give its absolute path there. Every format pg_dump writes is taken, told"
              + " apart by content: plain SQL (.sql), gzip'd plain SQL (.sql.gz), custom (-Fc), tar (-Ft) and"
              + " directory (-Fd). The workers read it whole first (the gzip stream, pg_dump's header and closing"
              + " line, no psql commands; pg_restore --list and every data block of an archive) and refuse a file"
              + " cut short, damaged or not a dump.",
          "",
          "A file cannot prove which database it holds: you assert it. The backup is bound to DATABASE as it is"
              + " now (server, address, name), recorded with its sha256, format and origin (you, the path, the"
              + " time) and listed by `runbook backups` as imported by you from FILE. The same file for the same"
              + " database is one backup however often it is imported."})
  static final class Import extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATABASE", description = "The configured database the dump holds.")
    String database;

    @Parameters(index = "1", paramLabel = "FILE", description = "The dump's absolute path on the workers.")
    String file;

    @Option(names = "--as", paramLabel = "NAME", description = "Who imports it, in a local dev (default: $RUNBOOK_AS,"
        + " else your user name); elsewhere your token says it.")
    String as;

    Import(CliContext context) {
      super(context);
    }

    @Override
    public Integer call() {
      if (!Validation.NAME.matcher(database).matches()) {
        throw new RunbookException.InvalidRequest("DATABASE '" + Validation.printable(database) + "' is not a"
            + " database name: give a name from databases in the configuration, e.g. runbook backup import shop FILE");
      }
      if (!file.startsWith("/") && Validation.backupFileProblem("FILE", "/" + file) == null) {
        throw new RunbookException.InvalidRequest("FILE '" + Validation.printable(file) + "' is not an absolute"
            + " path: give the dump's path as the workers see it (when a worker runs on this machine: \"$(realpath "
            + file + ")\")");
      }
      ImportResult r = context.imports().importBackup(database, file, person(as));
      if (json) {
        Output.json(out(), r);
        return 0;
      }
      out().printf("%s %s as backup %s of %s%n", r.reused() ? "already imported:" : "imported", file, r.backupId(),
          r.database());
      out().printf("  %s, %s, sha256 %s, schema %s, dumped %s%n", r.format(), BackupsCommand.bytes(r.sizeBytes()),
          r.sha256(), r.schemaVersion() == null ? "unknown" : r.schemaVersion(), Output.when(r.createdAt()));
      out().printf("  bound to %s, imported by %s from %s%s%n", DatabaseIdentity.describe(r.source()), r.importedBy(),
          r.importedFrom(), r.importedAt() == null ? "" : " at " + Output.when(r.importedAt()));
      out().printf("  restore it: runbook start database SERVICE --mode restore --backup %s%n", r.backupId());
      return 0;
    }
  }
}
