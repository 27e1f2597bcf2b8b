package dev.runbook.activities.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The lexer that stands between a dump and psql: what psql would run as a command is refused
 * wherever it hides, what psql reads as SQL text or COPY data is left alone, and the schema
 * version is read from the history's COPY data.
 */
class PlainDumpScannerTest {
  private static final String HEAD = "--\n-- PostgreSQL database dump\n--\n\n\\restrict Ab3dEf9\n\n"
      + "-- Dumped from database version 15.18\n-- Dumped by pg_dump version 15.18\n\nSET x = 1;\n";
  private static final String TAIL = "\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict Ab3dEf9\n\n";

  private static PlainDumpScanner scan(String body, DumpHistory history) {
    PlainDumpScanner s = new PlainDumpScanner(history);
    byte[] bytes = (HEAD + body + TAIL).getBytes(StandardCharsets.UTF_8);
    // In awkward pieces, as a stream delivers them.
    for (int i = 0; i < bytes.length; i += 7) {
      s.feed(bytes, i, Math.min(7, bytes.length - i));
    }
    s.finish();
    return s;
  }

  private static void refused(String body, String... words) {
    assertThatThrownBy(() -> scan(body, null)).isInstanceOf(PlainDumpScanner.Problem.class)
        .hasMessageContainingAll(words);
  }

  @Test
  void whatPgDumpWritesPasses() {
    PlainDumpScanner s = scan("""
        CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $_$
        begin
          -- \\! inside a function body is SQL text
          return E'a\\'b \\\\! c' || $x$ \\! $x$ || 'it''s \\! fine';
        end
        $_$;
        /* a comment /* nested \\! */ still comment \\! */
        CREATE TABLE "we\\!rd" (id int); -- \\! in a comment
        COPY public.t (id, note) FROM stdin;
        1\t\\\\! not a command
        2\t\\N
        \\.
        SELECT $1, a$b$c FROM t;
        """, null);
    assertThat(s.pgDumpVersion()).isEqualTo("15.18");
  }

  @Test
  void aPsqlCommandAnywhereSqlIsReadIsRefused() {
    refused("\\! rm -rf /\n", "line 11", "the psql command \\!", "a shell command on the worker");
    refused("SELECT 1; \\! id\n", "line 11", "\\!");
    refused("SELECT 'x''' \\g /tmp/out\n", "\\g");
    refused("SELECT E'a\\'' \\! id\n", "\\!");
    refused("SELECT $$ a $$ \\! id\n", "\\!");
    refused("SELECT \"a\"\"\" \\! id\n", "\\!");
    refused("SELECT /* */ 1 \\! id\n", "\\!");
    refused("\\connect other\n", "\\connect", "--create");
    refused("\\restrict Ab3dEf9 \\\\ \\! id\n", "\\restrict");
    refused("  \\unrestrict Ab3dEf9\n", "\\unrestrict");
  }

  @Test
  void aCopyIsDataOnlyInPgDumpsOwnFormSoNoCommandHidesBehindOne() {
    refused("COPY t FROM stdin WITH CSV;\n'\n\\.\n\\! id\n", "line 11 has a COPY that pg_dump does not write");
    refused("COPY t\nFROM stdin;\n1\n\\.\n", "COPY that pg_dump does not write");
    refused("SELECT 1; COPY t (a) FROM stdin;\n1\n\\.\n", "COPY that pg_dump does not write");
    refused("COPY t (a) FROM stdin; SELECT 1;\n1\n\\.\n", "COPY that pg_dump does not write");
    refused("COPY t (a) FROM '/etc/passwd' WHERE a IN (SELECT 1 FROM stdin);\n", "COPY that pg_dump does not write");
  }

  @Test
  void aScriptCutShortOrNotFromPgDumpIsRefused() {
    assertThatThrownBy(() -> {
      PlainDumpScanner s = new PlainDumpScanner(null);
      byte[] b = (HEAD + "COPY public.t (a) FROM stdin;\n1\n2\n").getBytes(StandardCharsets.UTF_8);
      s.feed(b, 0, b.length);
      s.finish();
    }).hasMessageContaining("ends inside the data of the COPY on line 11");
    assertThatThrownBy(() -> {
      PlainDumpScanner s = new PlainDumpScanner(null);
      byte[] b = (HEAD + "CREATE FUNCTION f() AS $$ begin\n").getBytes(StandardCharsets.UTF_8);
      s.feed(b, 0, b.length);
      s.finish();
    }).hasMessageContaining("ends inside the quoted text or comment opened on line 11");
    assertThatThrownBy(() -> {
      PlainDumpScanner s = new PlainDumpScanner(null);
      byte[] b = "SELECT 1;\n".getBytes(StandardCharsets.UTF_8);
      s.feed(b, 0, b.length);
    }).hasMessageContaining("not a pg_dump script");
    assertThatThrownBy(() -> {
      PlainDumpScanner s = new PlainDumpScanner(null);
      byte[] b = "x".repeat(300).getBytes(StandardCharsets.UTF_8);
      s.feed(b, 0, b.length);
    }).as("a binary file is refused without reading it to its end").hasMessageContaining("not a pg_dump script");
  }

  @Test
  void theSchemaVersionComesFromTheHistorysCopyData() {
    DumpHistory flyway = new DumpHistory("flyway", "flyway_schema_history");
    scan("COPY public.flyway_schema_history (installed_rank, version, description, type, script, checksum,"
        + " installed_by, installed_on, execution_time, success) FROM stdin;\n"
        + "1\t1\tinit\tSQL\tV1__init.sql\t1\trunbook\t2026-01-01 00:00:00\t5\tt\n"
        + "2\t2\tmore\tSQL\tV2__more.sql\t2\trunbook\t2026-01-02 00:00:00\t5\tt\n"
        + "3\t10\tbig\tSQL\tV10__big.sql\t3\trunbook\t2026-01-03 00:00:00\t5\tt\n"
        + "4\t10\tundo big\tUNDO_SQL\tU10__big.sql\t4\trunbook\t2026-01-04 00:00:00\t5\tt\n"
        + "5\t11\tfailed\tSQL\tV11__failed.sql\t5\trunbook\t2026-01-05 00:00:00\t5\tf\n"
        + "\\.\n", flyway);
    assertThat(flyway.version()).isEqualTo("2");

    DumpHistory golang = new DumpHistory("golang-migrate", "public.schema_migrations");
    scan("COPY public.schema_migrations (version, dirty) FROM stdin;\n20240101\tf\n\\.\n", golang);
    assertThat(golang.version()).isEqualTo("20240101");

    DumpHistory absent = new DumpHistory("flyway", "flyway_schema_history");
    scan("COPY public.other (version) FROM stdin;\n7\n\\.\n", absent);
    assertThat(absent.version()).isNull();
  }
}
