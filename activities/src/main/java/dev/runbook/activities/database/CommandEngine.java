package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.Secret;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.CommandRunner.Command;
import dev.runbook.activities.exec.CommandRunner.Result;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A database driven through its configured argv templates ({@link CommandEngineSettings}): each
 * call fills one template and runs it, with the configured environment, in the configured working
 * directory, within the database's timeout, heartbeating while it runs. A non-zero exit is a
 * {@code COMMAND_FAILED} failure naming the template and the end of its output, with every
 * configured secret scrubbed out.
 */
final class CommandEngine implements BackupEngine {
  /** Where a provider-managed backup keeps the provider's own ID, inside the backup's directory. */
  static final String PROVIDER_ID_FILE = "backup-id";
  /** The variable that names the database a migration command acts on (live or a staging copy). */
  static final String DATABASE_VARIABLE = "RUNBOOK_DATABASE";

  private static final Pattern PROVIDER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,199}");
  private static final int MAX_IDENTITY = 500;

  private final String name;
  private final DatabaseSettings settings;
  private final CommandEngineSettings templates;
  private final Path workDir;
  private final CommandRunner runner;

  CommandEngine(String name, DatabaseSettings settings, Path baseDir, CommandRunner runner) {
    this.name = name;
    this.settings = settings;
    this.templates = settings.command();
    this.workDir = templates.workDir() == null ? baseDir : baseDir.resolve(templates.workDir());
    this.runner = runner;
  }

  String live() {
    return settings.database();
  }

  // ---- identity and backups -------------------------------------------------------------

  /**
   * What the identity template prints, as the database's server identifier: the same output on
   * the same database, another on another server (or another database, when it prints the name).
   */
  @Override
  public DatabaseIdentity identity() {
    Result r = run("identity", templates.identity(), Map.of(Templates.DATABASE, live()), Heartbeat.current());
    String printed = String.join(" ", r.stdout().strip().split("\\s+"));
    if (printed.isEmpty()) {
      throw Failures.of(FailureType.INVALID_INPUT, "databases." + name + ".command.identity ("
          + display(templates.identity(), Map.of(Templates.DATABASE, live())) + ") printed nothing: it must print"
          + " what identifies the database's server and the database, e.g. select @@server_uid, database()");
    }
    if (printed.length() > MAX_IDENTITY || printed.chars().anyMatch(Character::isISOControl)) {
      throw Failures.of(FailureType.INVALID_INPUT, "databases." + name + ".command.identity printed "
          + printed.length() + " characters: it must print a short identifier of the server and the database"
          + " (up to " + MAX_IDENTITY + " printable characters)");
    }
    return new DatabaseIdentity(redact(printed), settings.host(), settings.port(), live());
  }

  /** The same as {@link #identity()}: the templates reach the server however the team set them up. */
  @Override
  public DatabaseIdentity targetIdentity() {
    return identity();
  }

  @Override
  public List<String> dumpPlan(Path dump, String backupId, String key) {
    return List.of("mkdir " + Shell.quote(dump.toString()), display(templates.backup(), backupValues(dump, backupId, key)));
  }

  @Override
  public void dump(Path dump, String backupId, String key, Heartbeat heartbeat) {
    try {
      Files.createDirectories(dump);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the backup directory " + dump, e);
    }
    Map<String, String> values = backupValues(dump, backupId, key);
    run("backup", templates.backup(), values, () -> heartbeat.beat(BackupFiles.size(dump)));
    if (isEmpty(dump)) {
      throw Failures.of(FailureType.INVALID_INPUT, "databases." + name + ".command.backup ("
          + display(templates.backup(), values) + ") exited 0 but wrote nothing into " + dump + ": it must write"
          + " the backup into {dir} (a provider-managed backup writes the provider's backup ID into {dir}/"
          + PROVIDER_ID_FILE + ")");
    }
    reference(dump, backupId); // a provider ID that could not be passed on fails the backup, not a restore
  }

  @Override
  public String toolVersion(Heartbeat heartbeat) {
    return null;
  }

  @Override
  public String verifyPlan(Path dump, String backupId) {
    return display(templates.verify(), withBackup(dump, backupId, Map.of()));
  }

  @Override
  public void verify(Path dump, String backupId, Heartbeat heartbeat) {
    run("verify", templates.verify(), withBackup(dump, backupId, Map.of()), heartbeat::tick);
  }

  @Override
  public String verifier() {
    return "databases." + name + ".command.verify";
  }

  private Map<String, String> backupValues(Path dump, String backupId, String key) {
    return Map.of(Templates.DATABASE, live(), Templates.DIR, dump.toString(), Templates.BACKUP, backupId,
        Templates.KEY, key);
  }

  /** The values a template about an existing backup gets: its directory and its ID (see {@link #reference}). */
  private Map<String, String> withBackup(Path dump, String backupId, Map<String, String> more) {
    Map<String, String> values = new HashMap<>(more);
    values.putIfAbsent(Templates.DATABASE, live());
    values.put(Templates.DIR, dump.toString());
    values.put(Templates.BACKUP, Files.isDirectory(dump) ? reference(dump, backupId) : backupId);
    return values;
  }

  /** The ID the backup is known by where it is kept: the provider's, when the backup left one, else ours. */
  String reference(Path dump, String backupId) {
    Path file = dump.resolve(PROVIDER_ID_FILE);
    if (!Files.isRegularFile(file)) {
      return backupId;
    }
    try {
      String id = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!PROVIDER_ID.matcher(id).matches()) {
        throw Failures.of(FailureType.INVALID_INPUT, "databases." + name + ".command.backup wrote '"
            + Validation.printable(id.length() > 60 ? id.substring(0, 60) + "..." : id) + "' into " + file
            + ": a provider's backup ID must be one line of letters, digits and . _ : @ / + = -");
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
  }

  // ---- restores and names ---------------------------------------------------------------

  List<String> restorePlan(Path dump, String backupId, String key) {
    return List.of(display(templates.restore(), withBackup(dump, backupId, Map.of(Templates.KEY, key))));
  }

  void restore(Path dump, String backupId, String key) {
    run("restore", templates.restore(), withBackup(dump, backupId, Map.of(Templates.KEY, key)),
        Heartbeat.current()::tick);
  }

  String restoreIntoPlan(Path dump, String backupId, String staging, String key) {
    return display(templates.restoreInto(), intoValues(dump, backupId, staging, key));
  }

  void restoreInto(Path dump, String backupId, String staging, String key) {
    run("restoreInto", templates.restoreInto(), intoValues(dump, backupId, staging, key), Heartbeat.current()::tick);
  }

  private Map<String, String> intoValues(Path dump, String backupId, String staging, String key) {
    return withBackup(dump, backupId, Map.of(Templates.STAGING, staging, Templates.KEY, key));
  }

  boolean exists(String database) {
    return !run("exists", templates.exists(), Map.of(Templates.NAME, database), Heartbeat.current()::tick)
        .stdout().isBlank();
  }

  String existsPlan(String database) {
    return display(templates.exists(), Map.of(Templates.NAME, database));
  }

  /** {@code staging} becomes {@code live}; the old {@code live} is kept as {@code safety}. */
  void swap(String live, String staging, String safety) {
    run("swap", templates.swap(), swapValues(live, staging, safety), Heartbeat.current()::tick);
  }

  String swapPlan(String live, String staging, String safety) {
    return display(templates.swap(), swapValues(live, staging, safety));
  }

  private static Map<String, String> swapValues(String live, String staging, String safety) {
    return Map.of(Templates.DATABASE, live, Templates.STAGING, staging, Templates.SAFETY, safety);
  }

  void drop(String database) {
    run("drop", templates.drop(), Map.of(Templates.NAME, database), Heartbeat.current()::tick);
  }

  String dropPlan(String database) {
    return display(templates.drop(), Map.of(Templates.NAME, database));
  }

  // ---- checks and migrations ------------------------------------------------------------

  /** Runs an integrity check's command on {@code database}; the result is the check's to judge. */
  Result check(IntegrityCheck check, String database) {
    Command c = command(check.command(), Map.of(Templates.DATABASE, database));
    return runner.run(c, Heartbeat.current()::tick, null);
  }

  String checkPlan(IntegrityCheck check, String database) {
    return display(check.command(), Map.of(Templates.DATABASE, database));
  }

  /** What the migration commands get: the configured variables, and the database they act on. */
  Map<String, String> env(String database) {
    Map<String, String> env = new HashMap<>();
    templates.env().forEach((k, v) -> env.put(k, v.reveal()));
    env.put(DATABASE_VARIABLE, database);
    return env;
  }

  /** Text from a command with every configured secret scrubbed out. */
  String redact(String text) {
    String out = text;
    for (Secret s : templates.env().values()) {
      out = s.redact(out);
    }
    return out;
  }

  Path workDir() {
    return workDir;
  }

  // ---- running ----------------------------------------------------------------------------

  private Command command(List<String> template, Map<String, String> values) {
    return new Command(Templates.fill(template, values), env(values.getOrDefault(Templates.DATABASE, live())),
        workDir, settings.timeout());
  }

  private static String display(List<String> template, Map<String, String> values) {
    return Shell.display(Templates.fill(template, values));
  }

  private Result run(String which, List<String> template, Map<String, String> values, Runnable tick) {
    Command c = command(template, values);
    Result r = runner.run(c, tick, null);
    if (!r.ok()) {
      throw Failures.of(FailureType.COMMAND_FAILED, "databases." + name + ".command." + which + " (" + c.display()
          + ") exited " + r.exitCode() + ": " + redact(r.tail(800)));
    }
    return r;
  }

  private Result run(String which, List<String> template, Map<String, String> values, Heartbeat heartbeat) {
    return run(which, template, values, heartbeat::tick);
  }
}
