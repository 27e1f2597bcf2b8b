package dev.runbook.activities.database;

import static dev.runbook.activities.database.Fixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.activities.FailureType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamesAndVersionsTest {
  @Test
  void versionsCompareByNumericParts() {
    List<String> versions = new ArrayList<>(List.of("10", "2", "1.10", "1.2", "1_3", "0", "1"));
    versions.sort(Versions.ORDER);

    assertThat(versions).containsExactly("0", "1", "1.2", "1_3", "1.10", "2", "10");
    assertThat(Versions.same("1.0", "1")).isTrue();
    assertThat(Versions.same("1_1", "1.1")).isTrue();
    assertThat(Versions.compare("20240101120000", "9")).isPositive();
  }

  @Test
  void identifiersAndLiteralsAreQuotedAndConninfoIsEscaped() {
    assertThat(PgNames.ident("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(PgNames.table("audit.history")).isEqualTo("\"audit\".\"history\"");
    assertThat(PgNames.literal("it's")).isEqualTo("'it''s'");
    assertThat(PgNames.dbnameArg("shop_1")).isEqualTo("shop_1");
    assertThat(PgNames.dbnameArg("x host=evil")).isEqualTo("dbname='x host=evil'");
    assertThat(PgNames.dbnameArg("a'b\\c")).isEqualTo("dbname='a\\'b\\\\c'");
  }

  @Test
  void generatedNamesKeepTheTagAndFit63BytesWithoutSplittingACharacter() {
    String base = "ü".repeat(31); // 62 bytes
    String staging = PgNames.staging(base, "r-2026-11-21");

    assertThat(staging.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    assertThat(staging).endsWith("__rb_r-2026-11-21").startsWith("üüü");
    assertThat(staging.replace("__rb_r-2026-11-21", "")).matches("ü+");
    assertThat(PgNames.safety("shop", "r1")).isEqualTo("shop__before_r1");
  }

  @Test
  void runTagsAndBackupIdsFromRequestsAreHeldToASmallAlphabet() {
    for (String tag : List.of("", "R1", "../x", "a b", "x\"; drop database y; --", "a".repeat(33))) {
      failure(() -> PgNames.staging("shop", tag), FailureType.INVALID_INPUT);
    }
    for (String id : List.of("../../etc", ".hidden", "a/b", "A", "x\u0000y")) {
      failure(() -> PgNames.requireBackupId(id), FailureType.INVALID_INPUT);
    }
    assertThat(PgNames.requireBackupId(BackupStore.idFor("Rollback: shop / backup #1"))).startsWith("rollback-shop-backup-1-");
    assertThat(BackupStore.idFor("../../etc")).matches("etc-[0-9a-f]{12}");
    assertThat(BackupStore.idFor("k")).isEqualTo(BackupStore.idFor("k")).isNotEqualTo(BackupStore.idFor("K"));
  }
}
