package dev.runbook.starter.api;

import dev.runbook.starter.BackupList;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.Validation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /api/v1/backups}: the backups recorded in the rollback log, newest first. */
final class BackupsApi {
  static final String PATH = "/api/v1/backups";

  private static final Logger log = LoggerFactory.getLogger(BackupsApi.class);

  record BackupListing(List<BackupRecord> backups) {}

  private final BackupList backups;

  BackupsApi(BackupList backups) {
    this.backups = backups;
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
