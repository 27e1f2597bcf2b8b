package dev.runbook.activities.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.audit.AuditActivitiesImpl;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.activities.service.ComposeSettings;
import dev.runbook.activities.service.ProcessSettings;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.AuditActivities.AuditBatch;
import dev.runbook.workflows.activities.AuditActivities.AuditEvent;
import dev.runbook.workflows.activities.AuditEventType;
import dev.runbook.workflows.activities.ConfigActivities.ConfigRestoreResult;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.ConfigTarget;
import dev.runbook.workflows.activities.ConfigActivities.ConfigTargetRequest;
import dev.runbook.workflows.activities.ConfigActivities.RestoreRequest;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.RunbookType;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An env file as a service's configuration, with the real rollback log in PostgreSQL: snapshots
 * named by content and sealed, the exact file written back, the release ledger's choice of the
 * configuration to go back to, and no value anywhere but on the worker's disk.
 */
class EnvFileConfigTest {
  private static final String GOOD = "# shop, production\nPAYMENTS_URL=https://pay.example.com\n"
      + "STRIPE_KEY=sk_live_good_4242\nDATABASE_URL=postgres://shop:pw-db-7781@db/shop\n";
  private static final String BAD = "# shop, production\nPAYMENTS_URL=htps://pay.example.com\n"
      + "STRIPE_KEY=sk_live_bad_9999\nDATABASE_URL=postgres://shop:pw-db-7781@db/shop\nNEW_FLAG=enabled-now\n";
  private static final List<String> VALUES = List.of("sk_live_good_4242", "sk_live_bad_9999", "pw-db-7781",
      "pay.example.com", "enabled-now");

  @TempDir Path dir;
  private HikariDataSource db;
  private ReleaseLedger ledger;
  private ConfigKey key;
  private ConfigActivitiesImpl configs;
  private Path env;

  @BeforeEach
  void setUp() throws Exception {
    db = TestStore.fresh();
    ledger = new ReleaseLedger(db, Clock.systemUTC());
    key = ConfigKey.parse(ConfigKey.newKey());
    env = dir.resolve(".env");
    Files.writeString(env, GOOD);
    configs = activities(key);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private ConfigActivitiesImpl activities(ConfigKey key) {
    ServiceSettings shop = new ServiceSettings("process", new ProcessSettings(List.of("shop", "{version}"), null,
        null, null, null), null, null, null, "http://127.0.0.1:1/health", null, null, null, null, null)
        .withConfig(new ConfigSettings(".env", null, null, null));
    ServiceSettings plain = new ServiceSettings("process", new ProcessSettings(List.of("web", "{version}"), null,
        null, null, null), null, null, null, null, null, null, null, null, null);
    Map<String, ServiceSettings> services = new LinkedHashMap<>();
    services.put("shop", shop);
    services.put("web", plain);
    return new ConfigActivitiesImpl(services, dir, "", key, db, ledger, Clock.systemUTC());
  }

  private ConfigSnapshot snapshot() {
    return configs.snapshot(new SnapshotRequest("shop", "ci", false));
  }

  private static ApplicationFailure failure(Runnable call) {
    try {
      call.run();
    } catch (ApplicationFailure f) {
      return f;
    }
    throw new AssertionError("expected a typed failure");
  }

  private long rows(String sql) throws Exception {
    try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aSnapshotIsNamedByItsContentKeptOnceAndSealed() throws Exception {
    ConfigSnapshot first = snapshot();
    ConfigSnapshot again = snapshot();

    assertThat(first.configured()).isTrue();
    assertThat(first.kind()).isEqualTo("envFile");
    assertThat(first.snapshotId()).matches("cfg-[0-9a-f]{12}").isEqualTo(again.snapshotId());
    assertThat(first.names()).containsExactly("DATABASE_URL", "PAYMENTS_URL", "STRIPE_KEY");
    assertThat(first.planned()).containsExactly("read " + env);
    assertThat(rows("select count(*) from config_snapshots")).isEqualTo(1);
    try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(
        "select names::text, sealed, key_id, taken_by from config_snapshots")) {
      rs.next();
      Map<String, Object> names = new ObjectMapper().readValue(rs.getString(1),
          new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
      assertThat(names.keySet()).containsExactlyInAnyOrder("DATABASE_URL", "PAYMENTS_URL", "STRIPE_KEY");
      assertThat(names.values()).allSatisfy(h -> assertThat(h.toString()).matches("[0-9a-f]{8}"));
      String sealed = new String(rs.getBytes(2), StandardCharsets.ISO_8859_1);
      assertThat(VALUES).noneSatisfy(v -> assertThat(sealed).contains(v));
      assertThat(rs.getString(3)).isEqualTo(key.id());
      assertThat(rs.getString(4)).isEqualTo("ci");
    }
    String json = new ObjectMapper().writeValueAsString(first);
    assertThat(VALUES).noneSatisfy(v -> assertThat(json + first).contains(v));

    Files.writeString(env, GOOD.replace("# shop, production", "# shop, production (edited)"));
    assertThat(snapshot().snapshotId()).as("a comment is part of the file").isNotEqualTo(first.snapshotId());
    Files.writeString(env, BAD);
    ConfigSnapshot dry = configs.snapshot(new SnapshotRequest("shop", "ci", true));
    assertThat(dry.names()).contains("NEW_FLAG");
    assertThat(rows("select count(*) from config_snapshots")).as("a dry run keeps nothing").isEqualTo(2);
  }

  @Test
  void restoringWritesTheExactFileBackWithItsModeKeptAndAgainChangesNothing() throws Exception {
    String good = snapshot().snapshotId();
    Files.writeString(env, BAD);
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r-----"));
    String bad = snapshot().snapshotId();

    ConfigRestoreResult planned = configs.restore(new RestoreRequest("shop", good, "k/1", true));
    assertThat(planned.changed()).isFalse();
    assertThat(Files.readString(env)).isEqualTo(BAD);
    assertThat(planned.planned()).containsExactly("read " + env,
        "write " + env + " (" + GOOD.length() + " bytes, atomically, its mode kept)");
    assertThat(planned.detail()).isEqualTo("configuration " + bad + " -> " + good + ": NEW_FLAG removed,"
        + " PAYMENTS_URL changed (" + planned.diff().changes().get(2).from() + " -> "
        + planned.diff().changes().get(2).to() + "), STRIPE_KEY changed (" + planned.diff().changes().get(3).from()
        + " -> " + planned.diff().changes().get(3).to() + "), DATABASE_URL unchanged");

    ConfigRestoreResult restored = configs.restore(new RestoreRequest("shop", good, "k/1", false));
    assertThat(restored.changed()).isTrue();
    assertThat(Files.readString(env)).isEqualTo(GOOD);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-r-----");
    assertThat(restored.detail()).startsWith("restored configuration " + good + " (was " + bad + "): NEW_FLAG removed");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(".env");
    }

    ConfigRestoreResult again = configs.restore(new RestoreRequest("shop", good, "k/1", false));
    assertThat(again.changed()).isFalse();
    assertThat(again.detail()).isEqualTo("shop has configuration " + good + " already: nothing to write");
    assertThat(new ObjectMapper().writeValueAsString(List.of(planned, restored, again)))
        .doesNotContain("sk_live").doesNotContain("pw-db-7781").doesNotContain("pay.example.com");
  }

  private void release(long seq, String runId, String version, String config, String configFrom, boolean verified) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("service", "shop");
    d.put("version", version);
    d.put("from", version);
    d.put("source", "rollback");
    d.put("by", "erin");
    d.put("forced", "false");
    d.put("config", config);
    if (configFrom != null) {
      d.put("configFrom", configFrom);
    }
    Instant at = Instant.now();
    List<AuditEvent> events = new java.util.ArrayList<>(List.of(
        new AuditEvent(seq, AuditEventType.RELEASE_DEPLOYED, at, "erin", "restore-config", "bad STRIPE_KEY", d)));
    if (verified) {
      events.add(new AuditEvent(seq + 1, AuditEventType.RELEASE_VERIFIED, at.plusSeconds(1), null, "verify", null,
          Map.of("service", "shop", "version", version)));
    }
    new AuditActivitiesImpl(db).record(new AuditBatch("rollback-shop", runId, RunbookType.EMERGENCY, events));
  }

  @Test
  void theLedgerChoosesTheConfigurationToGoBackToAndNeverOneItLeft() throws Exception {
    String good = snapshot().snapshotId();
    ledger.record(new ReleaseLedger.Recorded("shop", "v1", null, "ci", true, "job-1", good));
    Files.writeString(env, BAD);
    String bad = snapshot().snapshotId();
    ledger.record(new ReleaseLedger.Recorded("shop", "v1", null, "ci", false, "job-2", bad));

    ConfigTarget target = configs.resolveConfig(new ConfigTargetRequest("shop", null, false, false));
    assertThat(target.snapshotId()).isEqualTo(good);
    assertThat(target.currentSnapshot()).isEqualTo(bad);
    assertThat(target.why()).startsWith("release ledger: newest configuration verified healthy by ci at")
        .endsWith("(with v1) and never rolled back from");
    assertThat(target.diff().describe()).startsWith("NEW_FLAG removed, PAYMENTS_URL changed (");
    assertThat(configs.resolveConfig(new ConfigTargetRequest("shop", "v1", false, false)).snapshotId())
        .as("what v1 last ran healthy with").isEqualTo(good);

    configs.restore(new RestoreRequest("shop", good, "rollback-shop/1/restore-config", false));
    release(1, "run-1", "v1", good, bad, true);

    ApplicationFailure none = failure(() -> configs.resolveConfig(new ConfigTargetRequest("shop", null, false, false)));
    assertThat(none.getType()).isEqualTo(FailureType.NO_GOOD_CONFIG.name());
    assertThat(none.getOriginalMessage())
        .startsWith("shop: no configuration is known good (it has " + good + " now). The release ledger says: "
            + good + " running now, verified healthy by rollback-shop at")
        .contains(bad + " rolled back from by rollback-shop (bad STRIPE_KEY)")
        .contains("`runbook record deploy shop VERSION --verified`");
    ConfigTarget stays = configs.resolveConfig(new ConfigTargetRequest("shop", "v9", true, false));
    assertThat(stays.snapshotId()).isEqualTo(good).isEqualTo(stays.currentSnapshot());
    assertThat(stays.why()).isEqualTo("the release ledger knows no configuration v9 ran healthy with, so it stays");
  }

  @Test
  void whatARestoreOverwritesIsKeptFirstSoItCanBeRestoredInTurn() throws Exception {
    String good = snapshot().snapshotId();
    Files.writeString(env, BAD);
    long before = rows("select count(*) from config_snapshots");

    ConfigRestoreResult r = configs.restore(new RestoreRequest("shop", good, "k/5", false));
    String overwritten = r.detail().substring(r.detail().indexOf("(was ") + 5, r.detail().indexOf("):"));

    assertThat(rows("select count(*) from config_snapshots")).isEqualTo(before + 1);
    configs.restore(new RestoreRequest("shop", overwritten, "k/6", false));
    assertThat(Files.readString(env)).isEqualTo(BAD);
  }

  @Test
  void aComposeEnvFileKeepsTheVersionsTagOutOfTheConfiguration() throws Exception {
    Files.writeString(env, "IMAGE_TAG=v1\n" + GOOD);
    ServiceSettings api = new ServiceSettings("docker-compose", null, null,
        new ComposeSettings("compose.yml", "shop", null, ".env", "IMAGE_TAG", null, null, null), null, null, null,
        null, null, null, null).withConfig(new ConfigSettings(".env", null, null, null));
    ConfigActivitiesImpl compose = new ConfigActivitiesImpl(Map.of("api", api), dir, "", key, db, ledger,
        Clock.systemUTC());
    ConfigSnapshot v1Good = compose.snapshot(new SnapshotRequest("api", "ci", false));
    assertThat(v1Good.names()).doesNotContain("IMAGE_TAG");

    Files.writeString(env, "IMAGE_TAG=v2\n" + GOOD);
    assertThat(compose.snapshot(new SnapshotRequest("api", "ci", false)).snapshotId())
        .as("the tag is the version's, not the configuration's").isEqualTo(v1Good.snapshotId());
    Files.writeString(env, "IMAGE_TAG=v2\n" + BAD);
    compose.restore(new RestoreRequest("api", v1Good.snapshotId(), "k/2", false));
    assertThat(Files.readString(env)).isEqualTo("IMAGE_TAG=v2\n" + GOOD);
  }

  @Test
  void aServiceWithoutConfigurationOrAWorkerWithoutTheKeySaysWhatToDo() {
    assertThat(configs.snapshot(new SnapshotRequest("web", "ci", false)).configured()).isFalse();
    ApplicationFailure none = failure(() -> configs.resolveConfig(new ConfigTargetRequest("web", null, false, false)));
    assertThat(none.getType()).isEqualTo(FailureType.NOT_SUPPORTED.name());
    assertThat(none.getOriginalMessage()).isEqualTo("services.web has no config section, so there is no configuration"
        + " to restore: add one (envFile, kubernetes or command) or roll back the version only");
    assertThat(failure(() -> configs.snapshot(new SnapshotRequest("nope", "ci", false))).getType())
        .isEqualTo(FailureType.UNKNOWN_SERVICE.name());

    ApplicationFailure keyless = failure(() -> activities(null).snapshot(new SnapshotRequest("shop", "ci", false)));
    assertThat(keyless.getOriginalMessage()).isEqualTo("services.shop.config is kept sealed, and RUNBOOK_CONFIG_KEY is"
        + " not set on this worker: make one with `runbook key new` and give every worker the same RUNBOOK_CONFIG_KEY");
    assertThat(keyless.isNonRetryable()).isTrue();
  }

  @Test
  void aSnapshotSealedWithAnotherKeyIsNotOpenedAndSaysWhichKeyItNeeds() throws Exception {
    String good = snapshot().snapshotId();
    Files.writeString(env, BAD);
    ConfigKey other = ConfigKey.parse(ConfigKey.newKey());

    ApplicationFailure f = failure(() -> activities(other).restore(new RestoreRequest("shop", good, "k/3", false)));
    assertThat(f.getType()).isEqualTo(FailureType.BAD_CREDENTIALS.name());
    assertThat(f.getOriginalMessage()).isEqualTo("configuration snapshot " + good + " was sealed with key " + key.id()
        + ", and this worker has " + other.id() + ": give the workers the RUNBOOK_CONFIG_KEY it was taken with");
    assertThat(Files.readString(env)).isEqualTo(BAD);
    assertThat(failure(() -> configs.restore(new RestoreRequest("shop", "cfg-000000000000", "k/4", false)))
        .getOriginalMessage()).startsWith("no configuration snapshot cfg-000000000000 of shop is kept");
  }
}
