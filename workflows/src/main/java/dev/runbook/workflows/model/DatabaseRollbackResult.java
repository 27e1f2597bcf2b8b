package dev.runbook.workflows.model;

/**
 * @param mode the mode used (decided by the run when the request left it out)
 * @param safetyCopy the safety backup ID, or the database name kept as the safety copy after a swap
 */
public record DatabaseRollbackResult(
    RunReport report,
    String database,
    DatabaseMode mode,
    String schemaFrom,
    String schemaTo,
    String backupId,
    String safetyCopy) {}
