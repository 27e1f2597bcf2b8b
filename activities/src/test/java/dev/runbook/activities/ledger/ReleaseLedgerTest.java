package dev.runbook.activities.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.audit.AuditActivitiesImpl;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.AuditActivities.AuditBatch;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.model.RunbookType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The release ledger in PostgreSQL, written as the runs write it (rollback-log batches through
 * {@link AuditActivitiesImpl}) and as CI/CD records deploys, read as target selection reads it.
 */
class ReleaseLedgerTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private HikariDataSource db;
  private AuditActivitiesImpl audit;
  private ReleaseLedger ledger;

  @BeforeEach
  void setUp() {
    db = TestStore.fresh();
    audit = new AuditActivitiesImpl(db);
    ledger = new ReleaseLedger(db, Clock.fixed(T0, ZoneOffset.UTC));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static AuditEvent deployed(long seq, String version, String from, int minutes) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("service", "shop");
    d.put("version", version);
    if (from != null) {
      d.put("from", from);
    }
    d.put("schema", "7");
    d.put("source", "rollback");
    d.put("by", "erin");
    d.put("forced", "false");
    return new AuditEvent(seq, AuditEventType.RELEASE_DEPLOYED, T0.plus(Duration.ofMinutes(minutes)), "erin",
        "deploy", "5xx since " + from, d);
  }

  private static AuditEvent verified(long seq, String version, int minutes) {
    return new AuditEvent(seq, AuditEventType.RELEASE_VERIFIED, T0.plus(Duration.ofMinutes(minutes)), null,
        "verify", version + " verified healthy", Map.of("service", "shop", "version", version));
  }

  private void batch(String runId, AuditEvent... events) {
    audit.record(new AuditBatch("rollback-shop", runId, RunbookType.EMERGENCY, List.of(events)));
  }

  @Test
  void aRollbackRecordsItsTargetAndMarksWhatItLeftRolledBackFrom() {
    ledger.record(new ReleaseLedger.Recorded("shop", "v42", null, "ci", true, null));
    ledger.record(new ReleaseLedger.Recorded("shop", "v43", null, "ci", false, null));

    batch("run-1", deployed(1, "v42", "v43", 5), verified(2, "v42", 6));

    ReleaseHistory h = ledger.history("shop", Duration.ofHours(1));
    assertThat(h.releases()).extracting(Release::version).containsExactly("v42", "v43", "v42");
    Release rollback = h.releases().get(0);
    assertThat(rollback.source()).isEqualTo("rollback");
    assertThat(rollback.deployedBy()).isEqualTo("erin");
    assertThat(rollback.workflowId()).isEqualTo("rollback-shop");
    assertThat(rollback.schemaVersion()).isEqualTo("7");
    assertThat(rollback.verifiedBy()).isEqualTo("rollback-shop");
    assertThat(h.rolledBack("v43")).get().satisfies(r -> {
      assertThat(r.rolledBackBy()).isEqualTo("rollback-shop");
      assertThat(r.rollbackReason()).isEqualTo("5xx since v43");
    });
    assertThat(h.lastKnownGood("v42")).isEmpty();
    assertThat(h.lastKnownGood("v44")).get().extracting(ReleaseHistory.Choice::version).isEqualTo("v42");
  }

  @Test
  void aRetriedBatchChangesNothing() {
    for (int i = 0; i < 2; i++) {
      batch("run-1", deployed(1, "v2", "v3", 5), verified(2, "v2", 6));
    }

    ReleaseHistory h = ledger.history("shop", null);
    assertThat(h.releases()).extracting(Release::version, Release::source)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("v2", "rollback"),
            org.assertj.core.groups.Tuple.tuple("v3", "observed"));
  }

  @Test
  void aVersionRunningBeforeAnyRecordIsNotedAsObservedWhenARollbackLeavesIt() {
    batch("run-1", deployed(1, "v2", "v3", 5));

    ReleaseHistory h = ledger.history("shop", null);
    Release observed = h.releases().get(1);
    assertThat(observed.version()).isEqualTo("v3");
    assertThat(observed.source()).isEqualTo("observed");
    assertThat(observed.rolledBackFrom()).isTrue();
    assertThat(h.releases().get(0).version()).as("the rollback's release is the newest").isEqualTo("v2");
  }

  @Test
  void recordingTheSameDeployTwiceChangesNothingButMayMarkItVerified() {
    ReleaseLedger.RecordResult first = ledger.record(new ReleaseLedger.Recorded("shop", "v5", "12", "ci", false, null));
    ReleaseLedger.RecordResult again = ledger.record(new ReleaseLedger.Recorded("shop", "v5", "12", "ci", true, null));

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.release().id()).isEqualTo(first.release().id());
    assertThat(again.release().verified()).isTrue();
    assertThat(ledger.history("shop", null).releases()).hasSize(1);
  }

  @Test
  void aKeyMakesRecordingIdempotentEvenAfterOtherDeploys() {
    ledger.record(new ReleaseLedger.Recorded("shop", "v5", null, "ci", false, "build-77"));
    ledger.record(new ReleaseLedger.Recorded("shop", "v6", null, "ci", false, "build-78"));
    ReleaseLedger.RecordResult retried = ledger.record(new ReleaseLedger.Recorded("shop", "v5", null, "ci", false, "build-77"));

    assertThat(retried.created()).isFalse();
    assertThat(ledger.history("shop", null).releases()).extracting(Release::version).containsExactly("v6", "v5");
  }

  @Test
  void servicesHaveTheirOwnHistories() {
    ledger.record(new ReleaseLedger.Recorded("shop", "v5", null, "ci", true, null));
    ledger.record(new ReleaseLedger.Recorded("cart", "v5", null, "ci", false, null));

    assertThat(ledger.history("cart", null).releases()).singleElement()
        .satisfies(r -> assertThat(r.verified()).isFalse());
    assertThat(ledger.history("nope", null).isEmpty()).isTrue();
  }

  private void snapshot(String id) {
    new dev.runbook.activities.config.ConfigSnapshots(db).save(new dev.runbook.activities.config.ConfigSnapshots.Stored(
        id, "shop", "envFile", Map.of("STRIPE_KEY", "0a1b2c3d"), new byte[] {1, 2, 3}, "k00000000", T0, "ci"));
  }

  private static AuditEvent configRestored(long seq, String version, String config, String configFrom, int minutes) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("service", "shop");
    d.put("version", version);
    d.put("from", version);
    d.put("source", "rollback");
    d.put("by", "erin");
    d.put("forced", "false");
    d.put("config", config);
    d.put("configFrom", configFrom);
    return new AuditEvent(seq, AuditEventType.RELEASE_DEPLOYED, T0.plus(Duration.ofMinutes(minutes)), "erin",
        "restore-config", "bad STRIPE_KEY", d);
  }

  @Test
  void aConfigurationOnlyRollbackLeavesTheConfigurationAndNotTheVersion() {
    snapshot("cfg-aaaaaaaaaaaa");
    snapshot("cfg-bbbbbbbbbbbb");
    ledger.record(new ReleaseLedger.Recorded("shop", "v5", null, "ci", true, "job-1", "cfg-aaaaaaaaaaaa"));
    ReleaseLedger.RecordResult bad = ledger.record(
        new ReleaseLedger.Recorded("shop", "v5", null, "ci", false, "job-2", "cfg-bbbbbbbbbbbb"));
    assertThat(bad.created()).as("the same version with another configuration is a new release").isTrue();

    for (int i = 0; i < 2; i++) {
      batch("run-1", configRestored(1, "v5", "cfg-aaaaaaaaaaaa", "cfg-bbbbbbbbbbbb", 5), verified(2, "v5", 6));
    }

    ReleaseHistory h = ledger.history("shop", null);
    assertThat(h.releases()).extracting(Release::version, Release::configSnapshot).containsExactly(
        org.assertj.core.groups.Tuple.tuple("v5", "cfg-aaaaaaaaaaaa"),
        org.assertj.core.groups.Tuple.tuple("v5", "cfg-bbbbbbbbbbbb"),
        org.assertj.core.groups.Tuple.tuple("v5", "cfg-aaaaaaaaaaaa"));
    assertThat(h.rolledBack("v5")).as("the version was not left").isEmpty();
    assertThat(h.configRolledBack("cfg-bbbbbbbbbbbb")).get().satisfies(r -> {
      assertThat(r.configRolledBackBy()).isEqualTo("rollback-shop");
      assertThat(r.configRollbackReason()).isEqualTo("bad STRIPE_KEY");
    });
    assertThat(h.releases().get(0).verified()).isTrue();
    assertThat(h.lastKnownGoodConfig("cfg-aaaaaaaaaaaa")).isEmpty();
  }

  @Test
  void aConfigurationRunningBeforeAnyRecordIsNotedAsObservedWhenARollbackLeavesIt() {
    snapshot("cfg-aaaaaaaaaaaa");
    snapshot("cfg-cccccccccccc");
    ledger.record(new ReleaseLedger.Recorded("shop", "v5", null, "ci", true, "job-1", "cfg-aaaaaaaaaaaa"));

    batch("run-1", configRestored(1, "v5", "cfg-aaaaaaaaaaaa", "cfg-cccccccccccc", 5));

    ReleaseHistory h = ledger.history("shop", null);
    Release observed = h.releases().get(1);
    assertThat(observed.source()).isEqualTo("observed");
    assertThat(observed.configSnapshot()).isEqualTo("cfg-cccccccccccc");
    assertThat(observed.configRolledBackFrom()).isTrue();
    assertThat(observed.rolledBackFrom()).isFalse();
  }
}
