package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.CommandRunner.Command;
import dev.runbook.activities.exec.CommandRunner.Result;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.Validation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Migrations reverted by the project's own tool (npm run db:down, Prisma, migrate-mongo): the
 * configured {@code down} argv runs once per step, or {@code downTo} once, and after each run the
 * version is read again and must have gone down, never below the target. Each step is the tool's
 * own unit of work; unlike the script kinds, the whole revert is not one transaction. The
 * commands reach the database through what {@link Tool} gives them: PostgreSQL's variables, or
 * the variables of an {@code engine: command} database; {@code {database}} in an argument is the
 * database they act on.
 */
final class CommandMigrations implements Migrations {
  /** A runaway loop guard: no real revert undoes this many migrations one by one. */
  private static final int MAX_STEPS = 1000;

  private final String name;
  private final MigrationSettings settings;
  private final DatabaseSettings database;
  private final Path workDir;
  private final Tool tool;
  private final PgClient client;
  private final CommandRunner runner;

  /** How the commands reach the database, and what to scrub from their output. */
  interface Tool {
    /** The environment of a command acting on the physical database {@code physical}. */
    Map<String, String> env(String physical);

    /** Output with the secrets scrubbed out. */
    String redact(String text);

    /** PostgreSQL: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and DATABASE_URL. */
    static Tool of(PgClient client, DatabaseSettings database) {
      return new Tool() {
        @Override
        public Map<String, String> env(String physical) {
          return pgEnv(database, physical);
        }

        @Override
        public String redact(String text) {
          return client.redact(text);
        }
      };
    }

    /** {@code engine: command}: the configured variables and RUNBOOK_DATABASE. */
    static Tool of(CommandEngine engine) {
      return new Tool() {
        @Override
        public Map<String, String> env(String physical) {
          return engine.env(physical);
        }

        @Override
        public String redact(String text) {
          return engine.redact(text);
        }
      };
    }
  }

  /**
   * @param client for currentQuery and appliedQuery (PostgreSQL only); null for an {@code engine:
   *     command} database
   */
  CommandMigrations(
      String name, DatabaseSettings database, Path workDir, Tool tool, PgClient client, CommandRunner runner) {
    this.name = name;
    this.settings = database.migrations();
    this.database = database;
    this.workDir = workDir;
    this.tool = tool;
    this.client = client;
    this.runner = runner;
  }

  @Override
  public String current(String physical) {
    String value;
    if (settings.currentQuery() != null) {
      value = client.run(physical, "read the schema version", c -> {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(settings.currentQuery())) {
          return rs.next() ? rs.getString(1) : null;
        }
      });
    } else {
      value = lastLine(run(settings.current(), physical, "the current-version command").stdout());
    }
    return version(value, settings.currentQuery() != null ? "currentQuery" : "current");
  }

  @Override
  public List<String> applied(String physical) {
    List<String> versions = new ArrayList<>();
    if (settings.appliedQuery() != null) {
      client.run(physical, "read the applied migrations", c -> {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(settings.appliedQuery())) {
          while (rs.next()) {
            versions.add(version(rs.getString(1), "appliedQuery"));
          }
        }
        return null;
      });
    } else if (settings.applied() != null) {
      for (String line : run(settings.applied(), physical, "the applied-versions command").stdout().split("\n")) {
        if (!line.isBlank()) {
          versions.add(version(line, "applied"));
        }
      }
    } else {
      throw Failures.of(FailureType.NOT_SUPPORTED, "databases." + name + ".migrations (kind command)"
          + " cannot list applied versions: give toMigration, or configure applied or appliedQuery");
    }
    versions.sort(Versions.ORDER);
    return versions;
  }

  @Override
  public List<String> plan(String target) {
    String from = current(database.database());
    requireDown(from, target);
    if (Versions.same(from, target)) {
      return List.of();
    }
    String undo = settings.downTo() != null ? shown(downTo(target)) : shown(settings.down());
    if (settings.applied() == null && settings.appliedQuery() == null) {
      return List.of(from + " down to " + target + ": " + undo); // the steps are the tool's to know
    }
    List<String> applied = applied(database.database());
    if (!Versions.same(target, Versions.NONE) && applied.stream().noneMatch(v -> Versions.same(v, target))) {
      throw Failures.of(FailureType.UNKNOWN_VERSION, "version " + target + " was never applied to"
          + " databases." + name + "; applied: " + applied + " (use one of these, or 0 to revert everything)");
    }
    return applied.stream()
        .filter(v -> Versions.compare(v, target) > 0)
        .sorted(Versions.ORDER.reversed())
        .map(v -> v + ": " + undo)
        .toList();
  }

  private void requireDown(String from, String target) {
    if (Versions.compare(target, from) > 0) {
      throw Failures.of(FailureType.INVALID_INPUT, "databases." + name + " is at version " + from
          + ", below the target " + target + ": a revert only goes down");
    }
  }

  @Override
  public List<String> reads() {
    List<String> reads = new ArrayList<>();
    reads.add(settings.current() != null ? shown(settings.current()) : settings.currentQuery());
    if (settings.applied() != null) {
      reads.add(shown(settings.applied()));
    } else if (settings.appliedQuery() != null) {
      reads.add(settings.appliedQuery());
    }
    return reads;
  }

  @Override
  public void requireRevertable(String physical) {
    // The tool guards its own state.
  }

  @Override
  public Reverted revert(String target, Heartbeat heartbeat, boolean dryRun) {
    String live = database.database();
    String from = current(live);
    if (Versions.same(from, target)) {
      return new Reverted(from, from, List.of(), List.of());
    }
    requireDown(from, target);
    List<String> planned = new ArrayList<>();
    String read = reads().get(0);
    if (settings.downTo() != null) {
      planned.add(shown(downTo(target)));
      planned.add(read);
    } else {
      planned.add(shown(settings.down()) + "  # once per migration above " + target
          + ", each followed by: " + read);
    }
    if (dryRun) {
      return new Reverted(from, target, List.of(), planned);
    }
    List<String> reverted = new ArrayList<>();
    if (settings.downTo() != null) {
      run(downTo(target), live, "the downTo command");
      String now = current(live);
      if (!Versions.same(now, target)) {
        throw Failures.of(FailureType.MIGRATION_FAILED, shown(downTo(target)) + " finished but"
            + " databases." + name + " is at version " + now + ", not " + target + ": check the tool's"
            + " output and the schema");
      }
      reverted.add(from);
      return new Reverted(from, now, reverted, planned);
    }
    String version = from;
    for (int step = 0; !Versions.same(version, target); step++) {
      if (step == MAX_STEPS) {
        throw Failures.of(FailureType.MIGRATION_FAILED, "gave up after " + MAX_STEPS + " down steps");
      }
      heartbeat.beat(step);
      run(settings.down(), live, "the down command");
      String now = current(live);
      if (Versions.compare(now, version) >= 0) {
        throw Failures.of(FailureType.MIGRATION_FAILED, shown(settings.down()) + " exited 0"
            + " but databases." + name + " stayed at version " + version + ": the command did not"
            + " revert anything; check it by hand");
      }
      reverted.add(version);
      if (Versions.compare(now, target) < 0) {
        throw Failures.of(FailureType.MIGRATION_FAILED, shown(settings.down()) + " went from "
            + version + " to " + now + ", below the target " + target + ": re-apply the missing"
            + " migrations with the tool");
      }
      version = now;
    }
    return new Reverted(from, version, reverted, planned);
  }

  /** A command as it runs on the live database, for plans and messages. */
  private String shown(List<String> template) {
    return Shell.display(template.stream().map(a -> a.replace(Templates.DATABASE, database.database())).toList());
  }

  private List<String> downTo(String target) {
    // The version fills one whole argument: it is never parsed by a shell.
    return settings.downTo().stream()
        .map(a -> a.equals(MigrationSettings.VERSION_PLACEHOLDER) ? target : a)
        .toList();
  }

  private Result run(List<String> template, String physical, String what) {
    List<String> argv = template.stream().map(a -> a.replace(Templates.DATABASE, physical)).toList();
    Command command = new Command(argv, tool.env(physical), workDir, database.timeout());
    Result r = runner.run(command, Heartbeat.current()::tick, null);
    if (!r.ok()) {
      throw Failures.of(FailureType.COMMAND_FAILED, what + " (" + command.display() + ") of databases."
          + name + " exited " + r.exitCode() + ": " + tool.redact(r.tail(800)));
    }
    return r;
  }

  /** The connection for the tool, as the variables libpq-based and URL-based tools read. */
  private static Map<String, String> pgEnv(DatabaseSettings database, String physical) {
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", database.host());
    env.put("PGPORT", Integer.toString(database.port()));
    env.put("PGDATABASE", physical);
    env.put("PGUSER", database.user());
    env.put("PGPASSWORD", database.password().reveal());
    env.put("DATABASE_URL", "postgresql://" + enc(database.user()) + ":" + enc(database.password().reveal())
        + "@" + database.host() + ":" + database.port() + "/" + enc(physical));
    return env;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String version(String value, String source) {
    if (value == null || value.isBlank()) {
      return Versions.NONE;
    }
    String v = value.strip();
    if (!Validation.MIGRATION.matcher(v).matches()) {
      throw Failures.of(FailureType.MIGRATION_FAILED, "databases." + name + ".migrations." + source
          + " gave '" + Validation.printable(tool.redact(v)) + "', which is not a migration version:"
          + " make it print only the version (digits, e.g. 17)");
    }
    return v;
  }

  private static String lastLine(String out) {
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }
}
