package dev.runbook.activities.database;

import dev.runbook.activities.postgres.LocalPostgres;
import dev.runbook.activities.support.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A database with the rich schema ({@code database/rich/schema.sql}: enum, sequences, foreign
 * keys, a view, functions, a trigger, a partitioned table, a table without a primary key, Flyway
 * history at 3; about 75,000 rows), and real pg_dump output of it in every format, made the way
 * people make them ({@code pg_dump | gzip} through a pipe for the .sql.gz).
 */
final class RichDatabase {
  private RichDatabase() {}

  /** The formats a person may hand over, with pg_dump's arguments and the usual file name. */
  enum Made {
    PLAIN_GZIP("db_2026-11-25.sql.gz", "--format=plain"),
    PLAIN("db_2026-11-25.sql", "--format=plain"),
    CUSTOM("db_2026-11-25.dump", "--format=custom"),
    TAR("db_2026-11-25.tar", "--format=tar"),
    DIRECTORY("db_2026-11-25.dir", "--format=directory", "--jobs=2");

    final String fileName;
    final List<String> args;

    Made(String fileName, String... args) {
      this.fileName = fileName;
      this.args = List.of(args);
    }

    boolean archive() {
      return this == CUSTOM || this == TAR || this == DIRECTORY;
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** A fresh database with the rich schema and its rows. */
  static String create(String prefix) {
    String db = TestPostgres.freshDatabase(prefix);
    try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
      s.execute(Files.readString(Fixtures.resource("rich/schema.sql")));
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot create the rich schema in " + db + ": " + e.getMessage(), e);
    }
    return db;
  }

  /** pg_dump of {@code database} in {@code made}'s format into {@code dir}. */
  static Path dump(String database, Made made, Path dir, String... extra) {
    Path out = dir.resolve(made.fileName);
    List<String> dump = pgDump(database);
    dump.addAll(made.args);
    dump.addAll(List.of(extra));
    if (made == Made.PLAIN_GZIP) {
      pipe(List.of(new ProcessBuilder(dump), new ProcessBuilder("gzip", "-c").redirectOutput(out.toFile())));
    } else {
      dump.add("--file=" + out);
      pipe(List.of(new ProcessBuilder(dump)));
    }
    return out;
  }

  static List<String> pgDump(String database) {
    LocalPostgres pg = TestPostgres.server();
    return new ArrayList<>(List.of(LocalPostgres.findBinDir().orElseThrow().resolve("pg_dump").toString(),
        "--host=" + pg.host(), "--port=" + pg.port(), "--username=" + pg.user(), "--no-password",
        "--dbname=" + database));
  }

  private static void pipe(List<ProcessBuilder> stages) {
    stages.forEach(b -> b.environment().put("PGPASSWORD", TestPostgres.server().password().reveal()));
    stages.get(0).redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      List<Process> ps = ProcessBuilder.startPipeline(stages);
      for (Process p : ps) {
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", stages.get(0).command()) + " failed");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Some of the data gone and the sequences moved on: what a restore must undo. */
  static void damage(String database) {
    TestPostgres.execute(database,
        "delete from order_items where order_id > 15000",
        "delete from orders where id > 15000",
        "update products set price_cents = 0",
        "insert into customers (email, name, created_at) values ('late@example.com', 'Late', now())",
        "select nextval('invoice_numbers')",
        "delete from events_2026",
        "truncate audit_trail");
  }
}
