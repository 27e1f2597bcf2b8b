package dev.runbook.activities.database;

import java.util.List;

/**
 * One way of keeping and reverting a schema version: Flyway's history table, golang-migrate's
 * {@code schema_migrations}, or a configured command. Reads take the physical database so the
 * same code can read a staging copy.
 */
interface Migrations {
  /** The current version, {@link Versions#NONE} when nothing is applied. */
  String current(String physicalDatabase);

  /** The applied versions, oldest first. */
  List<String> applied(String physicalDatabase);

  /**
   * The migrations above {@code target}, newest first, each with what undoes it ("3:
   * U3__x.sql"). Throws when the target is above the current version or was never applied, and
   * {@code MISSING_UNDO_SCRIPT} when an undo is missing: all before anything runs.
   */
  List<String> plan(String target);

  /** The SQL or commands that read the version, for plans. */
  List<String> reads();

  /** Throws when the database is in a state no revert should touch (golang-migrate dirty flag). */
  void requireRevertable(String physicalDatabase);

  /** Reverts the live database down to {@code target}; a no-op when it is already there. */
  Reverted revert(String target, Heartbeat heartbeat, boolean dryRun);

  /**
   * @param reverted the versions reverted, newest first; empty when nothing changed
   * @param planned the exact SQL and commands run, or in a dry run to be run
   */
  record Reverted(String from, String to, List<String> reverted, List<String> planned) {}
}
