package dev.runbook.worker.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.support.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What workers publish of their configuration, and the fingerprint that tells two apart. */
class CatalogStoreTest {
  @TempDir Path dir;
  private HikariDataSource db;

  @BeforeEach
  void setUp() {
    db = TestStore.fresh();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static Catalog catalog(String fingerprint, String service) {
    return new Catalog(fingerprint, "/etc/runbook/runbook.yaml", "runbook",
        Map.of(service, new Catalog.Service("process", Duration.ofMinutes(30), null, "staging")), List.of("shop"),
        Map.of("prod", new Catalog.Environment(List.of(service), List.of("shop"), "staging")), List.of("erin", "alice"));
  }

  @Test
  void theNewestPublishedCatalogOfTheTaskQueueIsTheOneThatCounts() {
    CatalogStore early = new CatalogStore(db, Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC));
    CatalogStore late = new CatalogStore(db, Clock.fixed(Instant.parse("2026-11-26T11:00:00Z"), ZoneOffset.UTC));
    assertThat(early.current("runbook")).isEmpty();

    early.publish(catalog("aaa111", "shop"), "host-a/1");
    early.publish(catalog("aaa111", "shop"), "host-a/1");
    late.publish(catalog("bbb222", "cart"), "host-b/2");

    Catalog current = early.current("runbook").orElseThrow();
    assertThat(current.fingerprint()).isEqualTo("bbb222");
    assertThat(current.services()).containsOnlyKeys("cart");
    assertThat(current.services().get("cart").soak()).isEqualTo(Duration.ofMinutes(30));
    assertThat(current.environments().get("prod").databases()).containsExactly("shop");
    assertThat(current.services().get("cart").kind()).as("a drill checks it before it starts").isEqualTo("staging");
    assertThat(current.environments().get("prod").kind()).isEqualTo("staging");
    assertThat(current.people()).containsExactly("erin", "alice");
    assertThat(early.current("other-queue")).isEmpty();
  }

  @Test
  void theFingerprintFollowsSettingsNotLayoutCommentsOrSecrets() throws Exception {
    Path a = dir.resolve("a.yaml");
    Path b = dir.resolve("b.yaml");
    Path c = dir.resolve("c.yaml");
    Files.writeString(a, "services:\n  shop: {adapter: process}\naudit:\n  password: ${DB_PASSWORD}\n");
    Files.writeString(b, "# the shop\naudit: {password: \"${DB_PASSWORD}\"}\nservices:\n  shop:\n    adapter: process\n");
    Files.writeString(c, "services:\n  shop: {adapter: command}\naudit:\n  password: ${DB_PASSWORD}\n");

    assertThat(ConfigFingerprint.of(a)).hasSize(12).isEqualTo(ConfigFingerprint.of(b));
    assertThat(ConfigFingerprint.of(c)).isNotEqualTo(ConfigFingerprint.of(a));
    assertThat(ConfigFingerprint.of(null)).isEqualTo(ConfigFingerprint.DEFAULTS);
  }
}
