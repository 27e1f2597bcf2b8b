package dev.runbook.starter.api;

import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupJobs;
import dev.runbook.starter.BackupJobs.Pruned;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.activities.DatabaseActivities.ImportResult;
import dev.runbook.workflows.model.BackupRecord;
import dev.runbook.workflows.model.Validation;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backups: {@code GET /api/v1/backups} lists those recorded in the rollback log, newest first;
 * {@code POST /api/v1/backups} starts a backup run of a database; {@code POST
 * /api/v1/backups/imports} imports a dump file the workers can read as a backup by the token's
 * person; {@code POST /api/v1/backups/prune} runs retention (or, as a dry run, lists what it would
 * remove) and answers with what went once the run is done. All of them run on the workers, which
 * hold the backups.
 */
final class BackupsApi {
  static final String PATH = "/api/v1/backups";
  static final String IMPORTS = PATH + "/imports";
  static final String PRUNE = PATH + "/prune";
  /** How long a prune is waited for before the answer says where to follow it (clients wait 30 s). */
  static final Duration PRUNE_WAIT = Duration.ofSeconds(20);

  private static final Logger log = LoggerFactory.getLogger(BackupsApi.class);

  record BackupListing(List<BackupRecord> backups) {}

  /** @param file the dump's absolute path on the workers */
  record ImportBody(String database, String file) {}

  record BackupBody(String database, String reason) {}

  record PruneBody(String database, Boolean dryRun) {}

  private final BackupList backups;
  private final BackupImports imports;
  private final BackupJobs jobs;

  BackupsApi(BackupList backups, BackupImports imports, BackupJobs jobs) {
    this.backups = backups;
    this.imports = imports;
    this.jobs = jobs;
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

  /** A backup run of the database named, requested by the token's person. */
  Response start(Call call) throws IOException {
    BackupBody b = call.body(BackupBody.class);
    if (b.database() == null) {
      throw ApiError.invalidField("database", "database is required: name a configured database, e.g. {\"database\": \"shop\"}");
    }
    // A request the run would refuse is a 400, one the workers cannot run (no such database) a 422.
    Runbooks.Started s = jobs.backup(b.database(), b.reason(), call.caller().name());
    log.info("{} started {} (backup of {})", call.caller().name(), s.workflowId(), b.database());
    String url = RunsApi.statusUrl(s.workflowId());
    return Response.json(201, new RunsApi.StartedRun(s.workflowId(), s.runId(), url, false)).withHeader("Location", url);
  }

  /**
   * Retention for the database named (every one when none is), run by a cleanup run on the
   * workers; the answer comes when it is done (200), or says where to follow it (202).
   */
  Response prune(Call call) throws IOException {
    PruneBody b = call.body(PruneBody.class);
    boolean dryRun = Boolean.TRUE.equals(b.dryRun());
    Pruned p = jobs.prune(b.database(), dryRun, call.caller().name());
    log.info("{} ran {} (cleanup of {}{}): {}", call.caller().name(), p.workflowId(),
        b.database() == null ? "every database" : b.database(), dryRun ? ", dry run" : "",
        p.outcome() == null ? "still running" : p.outcome().label());
    Response r = Response.json(p.outcome() == null ? 202 : 200, p);
    return p.outcome() == null ? r.withHeader("Location", p.statusUrl()) : r;
  }
}
