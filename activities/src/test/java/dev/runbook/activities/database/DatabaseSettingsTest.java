package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The databases section as Jackson reads it, and the problems it reports. */
class DatabaseSettingsTest {
  private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

  private Map<String, DatabaseSettings> read(String text) throws Exception {
    return json.readValue(text.replace('\'', '"'), new TypeReference<>() {});
  }

  @Test
  void aFullEntryReadsIntoRecordsWithTheSecretMasked() throws Exception {
    Map<String, DatabaseSettings> dbs = read("""
        {'shop': {'host': 'db.internal', 'port': 5433, 'database': 'shop_production', 'user': 'runbook',
          'password': 's3cret-value', 'backupDir': 'backups', 'jobs': 4, 'timeout': 'PT30M',
          'migrations': {'kind': 'flyway', 'dir': 'db/undo'},
          'schemaVersions': {'2.4.0': '17'},
          'integrityChecks': [{'name': 'orders', 'sql': 'select count(*) from orders', 'min': 1}],
          'retention': {'keep': 10, 'maxAge': 'P14D'}}}""");

    DatabaseSettings s = dbs.get("shop");
    assertThat(s.problems("databases.shop")).isEmpty();
    assertThat(s.port()).isEqualTo(5433);
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.password().reveal()).isEqualTo("s3cret-value");
    assertThat(s.toString()).doesNotContain("s3cret-value").contains("password=****");
    assertThat(s.migrations().historyTable()).isEqualTo("flyway_schema_history");
    assertThat(s.integrityChecks().get(0).min()).isEqualTo(BigDecimal.ONE);
    assertThat(s.retention().maxAge()).isEqualTo(Duration.ofDays(14));
    assertThat(json.writeValueAsString(s)).doesNotContain("s3cret-value");
  }

  @Test
  void defaultsFillWhatIsLeftOut() throws Exception {
    DatabaseSettings s = read("{'a': {'database': 'a', 'user': 'u'}}").get("a");

    assertThat(s.problems("databases.a")).isEmpty();
    assertThat(s.host()).isEqualTo("localhost");
    assertThat(s.port()).isEqualTo(5432);
    assertThat(s.jobs()).isEqualTo(2);
    assertThat(s.maintenanceDatabase()).isEqualTo("postgres");
    assertThat(s.timeout()).isEqualTo(Duration.ofHours(2));
    assertThat(s.password().isEmpty()).isTrue();
  }

  @Test
  void problemsNameThePathWhatIsWrongAndTheFix() throws Exception {
    DatabaseSettings s = read("""
        {'x': {'port': 70000, 'user': '', 'jobs': 0, 'lockTimeout': 'PT0S', 'database': 'x',
          'maintenanceDatabase': 'a_name_that_is_far_too_long_for_postgresql_to_keep_it_whole_really',
          'migrations': {'kind': 'flyweight'},
          'schemaVersions': {'1.0': 'v1; rm -rf /'},
          'integrityChecks': [{'name': 'c', 'sql': 'select 1', 'equals': 1, 'min': 0}, {'name': 'c', 'sql': ''}],
          'retention': {}}}""").get("x");

    assertThat(s.problems("databases.x")).containsExactlyInAnyOrder(
        "databases.x.port 70000 is out of range: use 1 to 65535 (PostgreSQL's default is 5432)",
        "databases.x.maintenanceDatabase 'a_name_that_is_far_too_long_for_postgresql_to_keep_it_whole_really' is longer"
            + " than 63 bytes, which PostgreSQL would truncate: use the name as the server shows it",
        "databases.x.user is required: the role backups and reverts log in as",
        "databases.x.jobs 0 is out of range: use 1 to 64 parallel pg_dump/pg_restore jobs",
        "databases.x.lockTimeout PT0S must be positive, e.g. PT60S",
        "databases.x.migrations: unknown kind 'flyweight': use flyway, golang-migrate or command",
        "databases.x.schemaVersions.1.0: 'v1; rm -rf /' is not a migration version: use digits, e.g. 17 or 1.2",
        "databases.x.integrityChecks[0] has equals together with min or max: use equals alone, or min and/or max",
        "databases.x.integrityChecks[1].sql is required: a query returning one number, e.g. select count(*) from orders",
        "databases.x.integrityChecks[1] has no min, max or equals: give the bound the query's number must meet",
        "databases.x.integrityChecks[1].name 'c' is used twice: give each check its own name",
        "databases.x.retention has neither keep nor maxAge: give at least one, e.g. keep: 10");
  }

  @Test
  void theMaintenanceDatabaseCannotBeTheDatabaseItself() throws Exception {
    assertThat(read("{'a': {'database': 'postgres', 'user': 'u'}}").get("a").problems("databases.a"))
        .containsExactly("databases.a.maintenanceDatabase is the database itself: use another one (default"
            + " postgres), since a database cannot be renamed or dropped from a session on it");
  }

  @Test
  void migrationKindsCheckTheirOwnFields() {
    var noDir = new MigrationSettings("golang-migrate", "bad table!", null, List.of("x"), null, null, null, null, null);
    var shellString = new MigrationSettings("command", null, null, List.of("npm run db:down"), null, null, null, null, null);
    var downToWithoutPlaceholder = new MigrationSettings("command", null, null, null, List.of("tool", "down"),
        List.of("tool", "version"), null, null, null);

    assertThat(noDir.problems("m")).containsExactlyInAnyOrder(
        "m.dir is required for golang-migrate: the directory with the <version>_<name>.down.sql files",
        "m.table 'bad table!' is not a table name: use name or schema.name (letters, digits, '_')",
        "m.down is only for kind command: remove it");
    assertThat(shellString.problems("m")).containsExactlyInAnyOrder(
        "m.down is one string with spaces ('npm run db:down'): write each argument as its own list element,"
            + " e.g. [npm, run, db:down]; commands never go through a shell",
        "m (kind command) needs exactly one of current (argv) or currentQuery (SQL) to read the schema version");
    assertThat(downToWithoutPlaceholder.problems("m")).containsExactly(
        "m.downTo has no {version} argument: add it where the target version goes, e.g. [npx, prisma-down,"
            + " --to, {version}]");
  }

  @Test
  void theAdapterRefusesAnInvalidConfigurationAtConstruction() {
    var bad = new DatabaseSettings(null, null, null, "u", null, null, null, null, null, null, null, null, null, null, null);

    assertThatThrownBy(() -> new DatabaseActivitiesImpl(Map.of("Shop DB", bad), Path.of("b"), Path.of("."), Clock.systemUTC(),
        Fixtures.catalog()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("databases.Shop DB: the name must be lower-case")
        .hasMessageContaining("databases.Shop DB.database is required");
  }

  @Test
  void schedulesAndSafetyCopiesReadWithTheirDefaultsAndBadOnesAreNamed() throws Exception {
    Map<String, DatabaseSettings> dbs = read("""
        {'a': {'database': 'a', 'user': 'u'},
         'b': {'database': 'b', 'user': 'u', 'backup': {'schedule': '0 3 * * *', 'timezone': 'Europe/Berlin'},
               'safetyCopies': {'keep': 'P3D'}, 'cleanup': {'schedule': '*/30 * * * *'}},
         'c': {'database': 'c', 'user': 'u', 'backup': {'schedule': '0 3 * *', 'timezone': 'Mars/Olympus'},
               'safetyCopies': {'keep': 'PT0S'}, 'cleanup': {'schedule': '61 * * * *'}}}""");

    DatabaseSettings a = dbs.get("a");
    assertThat(a.problems("databases.a")).isEmpty();
    assertThat(a.schedule("a").backup()).isNull();
    assertThat(a.schedule("a").cleanup().describe()).isEqualTo("15 4 * * * (UTC)");
    assertThat(a.safetyCopies().keep()).isEqualTo(Duration.ofDays(7));

    DatabaseSettings b = dbs.get("b");
    assertThat(b.problems("databases.b")).isEmpty();
    assertThat(b.schedule("b").describe()).isEqualTo("backup 0 3 * * * (Europe/Berlin), cleanup */30 * * * * (UTC)");
    assertThat(b.safetyCopies().keep()).isEqualTo(Duration.ofDays(3));

    assertThat(dbs.get("c").problems("databases.c")).containsExactly(
        "databases.c.backup.timezone 'Mars/Olympus' is not a time zone: use a region such as Europe/Berlin or"
            + " America/New_York, or leave it out for UTC",
        "databases.c.backup.schedule '0 3 * *': it has 4 fields, not five: write five fields: minute hour"
            + " day-of-month month day-of-week, e.g. \"0 3 * * *\"",
        "databases.c.safetyCopies.keep PT0S must be positive, e.g. 7d (the newest safety copy is always kept)",
        "databases.c.cleanup.schedule '61 * * * *': the minute 61 is out of range: use 0 to 59");
  }
}
