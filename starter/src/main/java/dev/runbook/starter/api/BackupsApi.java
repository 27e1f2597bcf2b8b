package dev.runbook.starter.api;

import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupList;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.Validation;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/backups}: the backups recorded in the rollback log, newest first; {@code
 * POST /api/v1/backups/imports}: a dump file the workers can read, imported as a backup by the
 * token's person.
 */
final class BackupsApi {
  static final String PATH = "/api/v1/backups";
  static final String IMPORTS = PATH + "/imports";

  private static final Logger log = LoggerFactory.getLogger(BackupsApi.class);

  record BackupListing(List<BackupRecord> backups) {}

  /** @param file the dump's absolute path on the workers */
  record ImportBody(String database, String file) {}

  private final BackupList backups;
  private final BackupImports imports;

  BackupsApi(BackupList backups, BackupImports imports) {
    this.backups = backups;
    this.imports = imports;
  }

  /** 201 with the new backup, 200 when this file was imported for this database before. */
  Response importFile(Call call) throws IOException {
    ImportBody b = call.body(ImportBody.class);
    ImportResult imported = imports.importBackup(b.database(), b.file(), call.caller().name());
    log.info("{} imported {} as backup {} of {}{}", call.caller().name(), Validation.printable(b.file()),
        imported.backupId(), imported.database(), imported.reused() ? " (imported before)" : "");
    return Response.json(imported.reused() ? 200 : 201, imported)
        .withHeader("Location", PATH + "?database=" + imported.database());
  }

  Response list(Call call) {
    Map<String, String> q = call.query(Set.of("database", "limit"));
    String database = q.get("database");
    if (database != null && !Validation.NAME.matcher(database).matches()) {
      throw ApiError.invalidField("database", "database '" + Validation.printable(database)
          + "' is not a valid name: use a configured database's name (lower-case letters, digits, '.', '_' or '-')");
    }
    int limit = RunsApi.limit(q);
    List<BackupRecord> found;
    try {
      found = backups.recent(database, limit);
    } catch (RuntimeException e) {
      log.error("cannot read the backups", e);
      throw new ApiError(503, "unavailable", "the backups cannot be read right now: see the server log");
    }
    return Response.json(200, new BackupListing(found));
  }
}
