package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.activities.Secret;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.CommandRunner.Command;
import dev.runbook.activities.support.TestMariaDb;
import dev.runbook.activities.support.TestMariaDb.Server;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MariaDB configured as {@code engine: command}, the way a team would write it in runbook.yaml:
 * mysqldump and mysql from Debian's packages, an option file for host, port and user, the
 * password in MYSQL_PWD (command.env), and a migration tool behind {@code down}/{@code current}.
 */
final class MariaDbFixtures {
  static final String NAME = "orders";

  private MariaDbFixtures() {}

  static String cnf(Server s) {
    return "--defaults-file=" + s.optionFile();
  }

  /** The templates: in place only, or with restoreInto, swap, exists and drop for a staged restore. */
  static CommandEngineSettings templates(Server s, boolean staged) {
    String mysql = TestMariaDb.program("mysql");
    String mysqldump = TestMariaDb.program("mysqldump");
    return new CommandEngineSettings(
        List.of(mysql, cnf(s), "-N", "-B", "-e", "select @@server_uid, database()", "{database}"),
        List.of(mysqldump, cnf(s), "--single-transaction", "--routines", "--triggers", "--result-file={dir}/dump.sql",
            "{database}"),
        List.of("grep", "-q", "^-- Dump completed", "{dir}/dump.sql"),
        List.of(mysql, cnf(s), "{database}", "-e", "\\. {dir}/dump.sql"),
        staged ? List.of(mysql, cnf(s), "-e", "create database `{staging}`; use `{staging}`; \\. {dir}/dump.sql") : null,
        staged ? List.of("sh", Fixtures.resource("mariadb/swap.sh").toString(), s.optionFile().toString(),
            "{database}", "{staging}", "{safety}") : null,
        staged ? List.of(mysql, cnf(s), "-N", "-B", "-e",
            "select schema_name from information_schema.schemata where schema_name = '{name}'") : null,
        staged ? List.of(mysql, cnf(s), "-e", "drop database `{name}`") : null,
        Map.of("MYSQL_PWD", s.password()),
        null);
  }

  /** The migration tool, one step down at a time; {@code {database}} is the database it acts on. */
  static MigrationSettings migrations(Server s) {
    return new MigrationSettings(MigrationSettings.COMMAND, null, null, tool(s, "down"), null, tool(s, "current"),
        null, tool(s, "applied"), null);
  }

  static List<String> tool(Server s, String... args) {
    List<String> argv = new ArrayList<>(List.of("sh", Fixtures.resource("mariadb/migrate.sh").toString(),
        s.optionFile().toString(), "{database}"));
    argv.addAll(List.of(args));
    return argv;
  }

  static List<IntegrityCheck> checks(Server s) {
    String mysql = TestMariaDb.program("mysql");
    return List.of(
        new IntegrityCheck("orders have customers", null, null, null, BigDecimal.ZERO, List.of(mysql, cnf(s), "-N",
            "-e", "select count(*) from orders o left join customers c on c.id = o.customer_id where c.id is null",
            "{database}")),
        new IntegrityCheck("orders present", null, BigDecimal.ONE, null, null,
            List.of(mysql, cnf(s), "-N", "-e", "select count(*) from orders", "{database}")));
  }

  static DatabaseSettings settings(Server s, String physical, boolean staged, boolean withMigrations) {
    return new DatabaseSettings(s.host(), s.port(), physical, null, null, null, null, null, null,
        Duration.ofMinutes(10), null, withMigrations ? migrations(s) : null,
        withMigrations ? Map.of("2.4.0", "2") : Map.of(), withMigrations ? checks(s) : List.of(), null,
        DatabaseSettings.COMMAND, templates(s, staged), null, null, null);
  }

  static DatabaseActivitiesImpl adapter(DatabaseSettings settings, Path backupRoot) {
    List<String> problems = settings.problems("databases." + NAME);
    assertThat(problems).as("the fixture's settings are valid").isEmpty();
    return new DatabaseActivitiesImpl(Map.of(NAME, settings), backupRoot, backupRoot, Clock.systemUTC(),
        Fixtures.catalog());
  }

  /** Applies the tool's migrations 1..to, as a deploy would. */
  static void migrateUp(Server s, String database, int to) {
    List<String> argv = tool(s, "up", Integer.toString(to)).stream()
        .map(a -> a.replace("{database}", database)).toList();
    var r = new CommandRunner().run(new Command(argv, s.env(), null, Duration.ofMinutes(1)));
    assertThat(r.ok()).as(r.tail(800)).isTrue();
  }

  static Secret password(Server s) {
    return s.password();
  }
}
