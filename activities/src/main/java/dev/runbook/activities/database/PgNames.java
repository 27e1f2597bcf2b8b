package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.Validation;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Names on the PostgreSQL side: quoting identifiers and literals, the libpq connection string for
 * a database name, and the per-run names of the staging database and the safety copy. Request
 * values that become part of a name (run tags, backup IDs) are checked here against a small
 * alphabet; everything else is quoted, never spliced.
 */
final class PgNames {
  /** Run tags end up in database names; short, so the base name keeps most of its 63 bytes. */
  static final Pattern RUN_TAG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
  /** Backup IDs are directory names: no '/', no leading '.', no "..". */
  static final Pattern BACKUP_ID = Validation.BACKUP_ID;
  private static final Pattern PLAIN_DBNAME = Pattern.compile("[A-Za-z0-9_]+");

  static final String STAGING_INFIX = "__rb_";
  static final String SAFETY_INFIX = "__before_";

  private PgNames() {}

  /** A quoted identifier: {@code "na""me"}. */
  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A possibly schema-qualified table name from configuration, each part quoted. */
  static String table(String qualified) {
    int dot = qualified.indexOf('.');
    return dot < 0 ? ident(qualified) : ident(qualified.substring(0, dot)) + "." + ident(qualified.substring(dot + 1));
  }

  /** A string literal for statements that take no bind parameters (COMMENT ON). */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /**
   * The value for {@code --dbname=}: pg_dump and pg_restore read a value with '=' or a URI prefix
   * as a connection string, so anything but a plain name is passed as {@code dbname='...'}.
   */
  static String dbnameArg(String database) {
    if (PLAIN_DBNAME.matcher(database).matches()) {
      return database;
    }
    return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  static String staging(String physical, String runTag) {
    return withSuffix(physical, STAGING_INFIX + requireRunTag(runTag));
  }

  static String safety(String physical, String runTag) {
    return withSuffix(physical, SAFETY_INFIX + requireRunTag(runTag));
  }

  static String requireRunTag(String runTag) {
    if (runTag == null || !RUN_TAG.matcher(runTag).matches()) {
      throw Failures.of(FailureType.INVALID_INPUT,
          "runTag '" + (runTag == null ? "" : Validation.printable(runTag)) + "' is not valid: use up to"
              + " 32 lower-case letters, digits, '_' or '-', starting with a letter or digit");
    }
    return runTag;
  }

  static String requireBackupId(String backupId) {
    if (backupId == null || !BACKUP_ID.matcher(backupId).matches()) {
      String problem = Validation.backupIdProblem("backupId", backupId, null);
      throw Failures.of(FailureType.INVALID_INPUT, problem != null ? problem : "backupId is missing: use"
          + " one that `runbook backups DATABASE` lists");
    }
    return backupId;
  }

  /** The base name cut (on a character boundary) so that base + suffix fits in 63 bytes. */
  private static String withSuffix(String base, String suffix) {
    int room = DatabaseSettings.MAX_IDENTIFIER_BYTES - suffix.getBytes(StandardCharsets.UTF_8).length;
    StringBuilder cut = new StringBuilder();
    int used = 0;
    for (int i = 0; i < base.length(); ) {
      int cp = base.codePointAt(i);
      int bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + bytes > room) {
        break;
      }
      cut.appendCodePoint(cp);
      used += bytes;
      i += Character.charCount(cp);
    }
    return cut + suffix;
  }
}
