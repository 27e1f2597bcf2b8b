package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.CommandRunner.Command;
import dev.runbook.activities.exec.CommandRunner.Result;
import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * pg_dump, pg_restore and psql for one configured server: the argv (connection options as arguments,
 * the password only in the PGPASSWORD environment variable), running them, and reading their
 * errors into typed failures.
 */
final class PgTools {
  private final String name;
  private final DatabaseSettings settings;
  private final CommandRunner runner;
  private volatile String binDir;

  PgTools(String name, DatabaseSettings settings, CommandRunner runner) {
    this.name = name;
    this.settings = settings;
    this.runner = runner;
  }

  List<String> dump(Path into) {
    List<String> argv = program("pg_dump");
    argv.addAll(List.of("--format=directory", "--jobs=" + settings.jobs(), "--file=" + into));
    argv.addAll(connection(settings.database()));
    return argv;
  }

  /**
   * A restore of an archive into {@code target} (an empty database, or one whose schemas were
   * dropped), parallel where the format allows: pg_restore cannot restore a tar archive in
   * parallel.
   */
  List<String> restore(Path archive, DumpFormat format, String target) {
    List<String> argv = program("pg_restore");
    if (format != DumpFormat.TAR) {
      argv.add("--jobs=" + settings.jobs());
    }
    argv.addAll(List.of("--no-owner", "--exit-on-error"));
    argv.addAll(connection(target));
    argv.add(archive.toString());
    return argv;
  }

  /**
   * psql loading a plain dump from its standard input into {@code target}: one transaction that
   * stops at the first error, no psqlrc.
   */
  List<String> load(String target) {
    List<String> argv = program("psql");
    argv.addAll(List.of("--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
        "--file=-"));
    argv.addAll(connection(target));
    return argv;
  }

  /** Reads every byte of an archive, as a restore would, writing the SQL nowhere. */
  List<String> readAll(Path archive) {
    List<String> argv = program("pg_restore");
    argv.addAll(List.of("--file=/dev/null", archive.toString()));
    return argv;
  }

  /** The data of one table of an archive, as SQL on stdout (the migration history's rows). */
  List<String> tableData(Path archive, String schema, String table) {
    List<String> argv = program("pg_restore");
    argv.addAll(List.of("--data-only", "--table=" + table));
    if (schema != null) {
      argv.add("--schema=" + schema);
    }
    argv.addAll(List.of("--file=-", archive.toString()));
    return argv;
  }

  /** Reads the archive's table of contents: proves the dump is a readable archive. */
  List<String> list(Path dumpDir) {
    List<String> argv = program("pg_restore");
    argv.addAll(List.of("--list", dumpDir.toString()));
    return argv;
  }

  List<String> version() {
    List<String> argv = program("pg_dump");
    argv.add("--version");
    return argv;
  }

  private List<String> connection(String database) {
    return List.of(
        "--host=" + settings.host(),
        "--port=" + settings.port(),
        "--username=" + settings.user(),
        "--no-password",
        "--dbname=" + PgNames.dbnameArg(database));
  }

  /** Runs a tool; a non-zero exit becomes the failure its error output describes. */
  Result run(List<String> argv, String action, Runnable tick) {
    return run(argv, action, tick, null, null);
  }

  /**
   * As {@link #run(List, String, Runnable)}, with stdout handed over line by line and the tool's
   * input written by {@code stdin} (either may be null).
   */
  Result run(List<String> argv, String action, Runnable tick, Consumer<String> stdoutLines,
      CommandRunner.Feeder stdin) {
    Result r = attempt(argv, tick, stdoutLines, stdin);
    if (!r.ok()) {
      throw failure(r, action);
    }
    return r;
  }

  /** Runs a tool and returns how it ended, whatever its exit code. */
  Result attempt(List<String> argv, Runnable tick, Consumer<String> stdoutLines, CommandRunner.Feeder stdin) {
    return runner.run(new Command(argv, env(), null, settings.timeout()), tick, stdoutLines, stdin);
  }

  /** The tool's error output, the password scrubbed out. */
  String errors(Result r) {
    return settings.password().redact(r.tail(800));
  }

  Map<String, String> env() {
    return Map.of(
        "PGPASSWORD", settings.password().reveal(),
        "PGCONNECT_TIMEOUT", "10",
        "PGAPPNAME", "runbook");
  }

  ApplicationFailure failure(Result r, String action) {
    String err = settings.password().redact(r.tail(800));
    String lower = err.toLowerCase();
    if (lower.contains("password authentication failed") || lower.contains("no password supplied")) {
      return Failures.of(FailureType.BAD_CREDENTIALS,
          action + ": user '" + settings.user() + "' was refused by " + settings.host() + ":"
              + settings.port() + ": check databases." + name + ".user and its password");
    }
    if (lower.contains("connection refused") || lower.contains("could not connect")
        || lower.contains("timeout expired") || lower.contains("server closed the connection")
        || lower.contains("could not translate host name")) {
      return Failures.of(FailureType.UNAVAILABLE,
          action + ": " + settings.host() + ":" + settings.port() + " is not reachable (" + err
              + "); will retry");
    }
    if (lower.matches("(?s).*database \".*\" does not exist.*")) {
      return Failures.of(FailureType.UNKNOWN_DATABASE,
          action + ": " + err + ": check databases." + name + ".database");
    }
    return Failures.of(FailureType.COMMAND_FAILED, action + " exited " + r.exitCode() + ": " + err);
  }

  private List<String> program(String tool) {
    return new ArrayList<>(List.of(binDir().isEmpty() ? tool : Path.of(binDir(), tool).toString()));
  }

  /**
   * The configured binDir, else the newest installed PostgreSQL found the way {@link
   * LocalPostgres#findBinDir()} finds the server, else "" (the tool is looked up on PATH).
   */
  private String binDir() {
    String dir = binDir;
    if (dir == null) {
      dir = settings.binDir() != null
          ? settings.binDir()
          : LocalPostgres.findBinDir()
              .filter(d -> Files.isExecutable(d.resolve("pg_dump")) && Files.isExecutable(d.resolve("pg_restore")))
              .map(Path::toString)
              .orElse("");
      binDir = dir;
    }
    return dir;
  }
}
