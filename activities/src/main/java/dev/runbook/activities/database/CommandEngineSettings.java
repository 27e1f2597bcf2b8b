package dev.runbook.activities.database;

import dev.runbook.activities.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A database driven through its own tools ({@code databases.<name>.engine: command}): one argv
 * template per thing the product needs done, for engines other than PostgreSQL (MariaDB, MySQL,
 * MongoDB) and for backups a provider keeps. The product keeps the rest: the backup directory,
 * the manifest and its checksum, the catalog row, the identity check before a restore, the safety
 * backup before an in-place restore, and knowing what is already done.
 *
 * <pre>
 * engine: command
 * database: orders                 # {database}: the name on the server
 * command:
 *   identity: [mariadb, --defaults-extra-file=/etc/runbook/orders.cnf, -N, -e, "select @@server_uid, database()", "{database}"]
 *   backup: [mariadb-dump, --defaults-extra-file=/etc/runbook/orders.cnf, --single-transaction, "--result-file={dir}/dump.sql", "{database}"]
 *   verify: [grep, -q, "^-- Dump completed", "{dir}/dump.sql"]
 *   restore: [mariadb, --defaults-extra-file=/etc/runbook/orders.cnf, "{database}", -e, "source {dir}/dump.sql"]
 *   env: { MYSQL_PWD: ${ORDERS_DB_PASSWORD} }
 * </pre>
 *
 * Placeholders: {@code {database}} the configured physical name, {@code {dir}} the backup's
 * directory (empty and the product's when a backup writes it), {@code {backup}} the backup's ID
 * (in verify and the restores: the ID the backup command wrote to {@code {dir}/backup-id} when
 * it wrote one, which is how a provider's own backup ID is kept), {@code {key}} the step's
 * idempotency key, {@code {staging}} and {@code {safety}} the per-run names of a staged restore,
 * {@code {name}} the database {@code exists} and {@code drop} are asked about.
 *
 * @param identity prints what identifies the database's server and the database (compared
 *     before every restore: a backup of another database is refused)
 * @param backup writes a backup of {@code {database}} into {@code {dir}}
 * @param verify exits 0 when the backup in {@code {dir}} is complete and readable
 * @param restore restores the backup into {@code {database}} in place
 * @param restoreInto optional: restores the backup into the new database {@code {staging}}
 * @param swap with restoreInto: {@code {staging}} becomes {@code {database}}, which is kept as
 *     {@code {safety}}
 * @param exists with restoreInto: prints something when the database {@code {name}} exists and
 *     nothing when it does not (exit 0 either way)
 * @param drop with restoreInto: drops the database {@code {name}} (only ever a staging copy)
 * @param env variables the commands get (secrets: they never appear in a message)
 * @param workDir the commands' working directory (relative to the configuration's directory)
 */
public record CommandEngineSettings(
    List<String> identity,
    List<String> backup,
    List<String> verify,
    List<String> restore,
    List<String> restoreInto,
    List<String> swap,
    List<String> exists,
    List<String> drop,
    Map<String, Secret> env,
    String workDir) {

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public CommandEngineSettings {
    identity = copy(identity);
    backup = copy(backup);
    verify = copy(verify);
    restore = copy(restore);
    restoreInto = copy(restoreInto);
    swap = copy(swap);
    exists = copy(exists);
    drop = copy(drop);
    env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  private static List<String> copy(List<String> argv) {
    return argv == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(argv));
  }

  /** Whether a restore can go into a staging copy and swap names (restoreInto and the rest). */
  public boolean stagedRestore() {
    return restoreInto != null && !restoreInto.isEmpty();
  }

  public List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    String db = Templates.DATABASE;
    String dir = Templates.DIR;
    String id = Templates.BACKUP;
    String key = Templates.KEY;
    p.addAll(Templates.problems(path + ".identity", identity, true,
        "prints what identifies the database's server and the database, so that a backup is never"
            + " restored into another database by accident, e.g. [mariadb, -N, -e, \"select @@server_uid,"
            + " database()\", \"{database}\"]", Set.of(db)));
    p.addAll(Templates.problems(path + ".backup", backup, true,
        "writes a backup of {database} into the directory {dir} the product gives, e.g."
            + " [mariadb-dump, --single-transaction, \"--result-file={dir}/dump.sql\", \"{database}\"]",
        Set.of(db, dir, id, key)));
    if (backup != null && !backup.isEmpty() && !Templates.mentions(backup, dir)) {
      p.add(path + ".backup has no {dir}: the backup must be written into the directory the product gives"
          + " (a provider-managed backup writes its ID there, into {dir}/backup-id)");
    }
    p.addAll(Templates.problems(path + ".verify", verify, true,
        "exits 0 when the backup in {dir} is complete and readable, e.g. [grep, -q, \"^-- Dump completed\","
            + " \"{dir}/dump.sql\"]", Set.of(db, dir, id)));
    needsBackup(p, path + ".verify", verify);
    p.addAll(Templates.problems(path + ".restore", restore, true,
        "restores the backup in {dir} into {database} in place (the product takes a fresh safety backup"
            + " first), e.g. [mariadb, \"{database}\", -e, \"source {dir}/dump.sql\"]", Set.of(db, dir, id, key)));
    needsBackup(p, path + ".restore", restore);
    Map<String, List<String>> stagedTemplates = new LinkedHashMap<>();
    stagedTemplates.put("restoreInto", restoreInto);
    stagedTemplates.put("swap", swap);
    stagedTemplates.put("exists", exists);
    stagedTemplates.put("drop", drop);
    List<String> absent = stagedTemplates.entrySet().stream()
        .filter(e -> e.getValue() == null || e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    if (absent.size() < stagedTemplates.size()) {
      if (!absent.isEmpty()) {
        p.add(path + ": a staged restore needs restoreInto, swap, exists and drop together (" + String.join(", ", absent)
            + (absent.size() == 1 ? " is" : " are") + " missing): add " + (absent.size() == 1 ? "it" : "them")
            + ", or remove the others and restores go in place after a fresh safety backup");
      }
      p.addAll(Templates.problems(path + ".restoreInto", restoreInto, false, "",
          Set.of(db, dir, id, key, Templates.STAGING)));
      p.addAll(Templates.problems(path + ".swap", swap, false, "", Set.of(db, Templates.STAGING, Templates.SAFETY)));
      p.addAll(Templates.problems(path + ".exists", exists, false, "", Set.of(Templates.NAME)));
      p.addAll(Templates.problems(path + ".drop", drop, false, "", Set.of(Templates.NAME)));
      require(p, path + ".restoreInto", restoreInto, Templates.STAGING,
          "it restores into the new database {staging}");
      needsBackup(p, path + ".restoreInto", restoreInto);
      require(p, path + ".swap", swap, db, "it makes {staging} the live {database} and keeps the old one as {safety}");
      require(p, path + ".swap", swap, Templates.STAGING,
          "it makes {staging} the live {database} and keeps the old one as {safety}");
      require(p, path + ".swap", swap, Templates.SAFETY,
          "it makes {staging} the live {database} and keeps the old one as {safety}");
      require(p, path + ".exists", exists, Templates.NAME,
          "it prints something when the database {name} exists and nothing when it does not");
      require(p, path + ".drop", drop, Templates.NAME, "it drops the staging database {name}");
    }
    env.forEach((name, value) -> {
      if (!ENV_NAME.matcher(name).matches()) {
        p.add(path + ".env." + name + ": not a variable name: use letters, digits and '_'");
      }
      if (value == null) {
        p.add(path + ".env." + name + " is empty: give its value, e.g. ${" + name + "}");
      }
    });
    if (workDir != null && workDir.isBlank()) {
      p.add(path + ".workDir is empty: remove it (the configuration's directory) or give a directory");
    }
    return p;
  }

  private static void needsBackup(List<String> p, String at, List<String> template) {
    if (template != null && !template.isEmpty() && !Templates.mentions(template, Templates.DIR)
        && !Templates.mentions(template, Templates.BACKUP)) {
      p.add(at + " names no backup: use {dir} (the backup's directory) or {backup} (its ID)");
    }
  }

  private static void require(List<String> p, String at, List<String> template, String placeholder, String does) {
    if (template != null && !template.isEmpty() && !Templates.mentions(template, placeholder)) {
      p.add(at + " has no " + placeholder + ": " + does);
    }
  }
}
