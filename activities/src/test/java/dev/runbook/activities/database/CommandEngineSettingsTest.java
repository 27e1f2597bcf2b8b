package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code engine: command} as Jackson reads it, and the problems it reports before anything runs. */
class CommandEngineSettingsTest {
  private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

  private DatabaseSettings read(String text) throws Exception {
    Map<String, DatabaseSettings> dbs = json.readValue(text.replace('\'', '"'), new TypeReference<>() {});
    return dbs.get("orders");
  }

  private static final String TEMPLATES = """
      'identity': ['mysql', '-N', '-e', 'select @@server_uid, database()', '{database}'],
      'backup': ['mysqldump', '--result-file={dir}/dump.sql', '{database}'],
      'verify': ['grep', '-q', '^-- Dump completed', '{dir}/dump.sql'],
      'restore': ['mysql', '{database}', '-e', '\\\\. {dir}/dump.sql'],
      'env': {'MYSQL_PWD': 's3cret-value'}""";

  @Test
  void aCompleteEntryIsValidWithoutTheFieldsOnlyPostgresqlUses() throws Exception {
    DatabaseSettings s = read("{'orders': {'engine': 'command', 'database': 'orders', 'host': 'db1', 'command': {"
        + TEMPLATES + "}, 'migrations': {'kind': 'command', 'down': ['npm', 'run', 'db:down'],"
        + " 'current': ['npm', 'run', '--silent', 'db:version']},"
        + " 'integrityChecks': [{'name': 'orders present', 'command': ['mysql', '-N', '-e', 'select count(*) from orders',"
        + " '{database}'], 'min': 1}]}}");

    assertThat(s.problems("databases.orders")).isEmpty();
    assertThat(s.commandEngine()).isTrue();
    assertThat(s.stagedRestore()).as("no restoreInto: restores go in place").isFalse();
    assertThat(s.port()).as("no port given: none is shown").isZero();
    assertThat(s.command().env().get("MYSQL_PWD").reveal()).isEqualTo("s3cret-value");
    assertThat(s.toString()).doesNotContain("s3cret-value");
    assertThat(json.writeValueAsString(s)).doesNotContain("s3cret-value");
  }

  @Test
  void aMissingTemplateNamesItselfAndWhatItMustDo() throws Exception {
    DatabaseSettings s = read("{'orders': {'engine': 'command', 'database': 'orders', 'command': {"
        + "'backup': ['mysqldump', '{database}'], 'restore': ['mysql', '{database}']}}}");

    assertThat(s.problems("databases.orders")).containsExactlyInAnyOrder(
        "databases.orders.command.identity is missing: give the argv that prints what identifies the database's"
            + " server and the database, so that a backup is never restored into another database by accident, e.g."
            + " [mariadb, -N, -e, \"select @@server_uid, database()\", \"{database}\"]",
        "databases.orders.command.backup has no {dir}: the backup must be written into the directory the product"
            + " gives (a provider-managed backup writes its ID there, into {dir}/backup-id)",
        "databases.orders.command.verify is missing: give the argv that exits 0 when the backup in {dir} is complete"
            + " and readable, e.g. [grep, -q, \"^-- Dump completed\", \"{dir}/dump.sql\"]",
        "databases.orders.command.restore names no backup: use {dir} (the backup's directory) or {backup} (its ID)");
  }

  @Test
  void aStagedRestoreNeedsAllFourTemplatesAndEachItsNames() throws Exception {
    DatabaseSettings s = read("{'orders': {'engine': 'command', 'database': 'orders', 'command': {" + TEMPLATES
        + ", 'restoreInto': ['sh', 'restore-into.sh', '{dir}'], 'swap': ['sh', 'swap.sh', '{database}', '{staging}']}}}");

    assertThat(s.problems("databases.orders")).containsExactlyInAnyOrder(
        "databases.orders.command: a staged restore needs restoreInto, swap, exists and drop together (exists, drop are"
            + " missing): add them, or remove the others and restores go in place after a fresh safety backup",
        "databases.orders.command.restoreInto has no {staging}: it restores into the new database {staging}",
        "databases.orders.command.swap has no {safety}: it makes {staging} the live {database} and keeps the old one"
            + " as {safety}");
  }

  @Test
  void whatOnlyPostgresqlUsesIsRefusedWithWhereItGoesInstead() throws Exception {
    DatabaseSettings s = read("{'orders': {'engine': 'command', 'database': 'orders', 'user': 'app',"
        + " 'password': 'pw-1234', 'command': {" + TEMPLATES + ", 'verify': ['grep', '{oops}', '{dir}']},"
        + " 'migrations': {'kind': 'flyway', 'dir': 'undo'},"
        + " 'integrityChecks': [{'name': 'n', 'sql': 'select 1', 'equals': 1}]}}");

    List<String> p = s.problems("databases.orders");
    assertThat(p).contains(
        "databases.orders.user is not used by engine: command: give the login to the commands themselves (their"
            + " arguments, an option file, or command.env)",
        "databases.orders.password is not used by engine: command: pass it to the commands through command.env,"
            + " e.g. MYSQL_PWD: ${ORDERS_DB_PASSWORD}",
        "databases.orders.command.verify[1]: unknown placeholder {oops}: verify may use {backup}, {database}, {dir}",
        "databases.orders.migrations.kind flyway reads its history table over PostgreSQL: with engine: command use"
            + " kind command (down or downTo, and current printing the version)");
    assertThat(p).anySatisfy(m -> assertThat(m).startsWith("databases.orders.integrityChecks[0].sql runs on PostgreSQL"));
    assertThat(String.join("\n", p)).doesNotContain("pw-1234");
  }

  @Test
  void anUnknownEngineAndCommandsOnPostgresqlAreNamed() throws Exception {
    assertThat(read("{'orders': {'engine': 'mongo', 'database': 'orders'}}").problems("databases.orders"))
        .containsExactly("databases.orders.engine: unknown engine 'mongo': use postgresql (the default) or command"
            + " (argv templates for any other engine)");
    assertThat(read("{'orders': {'database': 'orders', 'user': 'u', 'command': {" + TEMPLATES + "}}}")
        .problems("databases.orders"))
        .containsExactly("databases.orders.command is only for engine: command: add engine: command, or remove it");
    DatabaseSettings pg = read("{'orders': {'database': 'orders', 'user': 'u'}}");
    assertThat(pg.commandEngine()).isFalse();
    assertThat(pg.stagedRestore()).isTrue();
    assertThat(pg.port()).isEqualTo(5432);
  }
}
