package dev.runbook.workflows.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Import a dump file people already have as a backup of a configured database ({@code runbook
 * backup import DATABASE FILE}, {@code POST /api/v1/backups/imports}).
 *
 * @param database the configured database the file holds
 * @param file its absolute path on the workers (a file, or a directory-format dump)
 * @param importedBy the person who imports it, and so asserts that it holds that database
 */
public record BackupImportRequest(String database, String file, String importedBy) {

  /** Problems with this request, each naming the field and the fix; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    Validation.name(p, "database", database);
    if (file == null) {
      p.add("file is required: the absolute path of the dump on the workers");
    } else {
      String problem = Validation.backupFileProblem("file", file);
      if (problem != null) {
        p.add(problem);
      }
    }
    Validation.name(p, "importedBy", importedBy);
    return p;
  }

  /**
   * The import's workflow ID: one per database and path, so two people importing the same file at
   * once share one import, and an import of it later runs again (and finds it imported).
   */
  public String workflowId() {
    return WorkflowIds.forImport(database, file);
  }
}
