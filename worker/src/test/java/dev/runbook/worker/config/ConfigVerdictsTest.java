package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is kept of a configuration that passed: nothing of its settings or secrets, only this user's. */
class ConfigVerdictsTest {
  @TempDir Path dir;

  private static final String SECRET = "hunter2-database-password";

  @Test
  void aPassIsKeptUnderAKeyOnlyThisUserCanRead() throws IOException {
    Path kept = dir.resolve("checked");
    ConfigVerdicts verdicts = ConfigVerdicts.in(kept);
    Path file = dir.resolve("runbook.yaml");
    String key = verdicts.key(file, "audit:\n  password: ${DB_PASSWORD}\n", Map.of("DB_PASSWORD", SECRET));

    assertThat(verdicts.passed(key)).isFalse();
    verdicts.record(key);
    verdicts.record(key);

    assertThat(verdicts.passed(key)).isTrue();
    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.resolve("key")))).isEqualTo("rw-------");
    try (Stream<Path> all = Files.list(kept)) {
      for (Path p : all.toList()) {
        assertThat(p.getFileName().toString()).doesNotContain(SECRET).doesNotContain("audit");
        assertThat(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
      }
    }
  }

  @Test
  void theBuildPathTextAndEveryVariableMakeTheEntry() {
    ConfigVerdicts verdicts = ConfigVerdicts.in(dir.resolve("checked"));
    Path file = dir.resolve("runbook.yaml");
    String text = "api:\n  listen: ${LISTEN}\n";
    Map<String, String> set = Map.of("LISTEN", "127.0.0.1:8080");
    Map<String, String> unset = new HashMap<>();
    unset.put("LISTEN", null);

    String key = verdicts.key(file, text, set);

    assertThat(verdicts.key(file, text, set)).isEqualTo(key);
    assertThat(List.of(
        verdicts.key(dir.resolve("other.yaml"), text, set),
        verdicts.key(file, text + "# note\n", set),
        verdicts.key(file, text, Map.of("LISTEN", "127.0.0.1:8081")),
        verdicts.key(file, text, Map.of("LISTEN", "")),
        verdicts.key(file, text, unset),
        verdicts.key(file, text, Map.of()),
        ConfigVerdicts.in(dir.resolve("elsewhere")).key(file, text, set)))
        .doesNotContainNull().doesNotContain(key).doesNotHaveDuplicates();
  }

  @Test
  void aDirectoryOthersCanWriteToKeepsNothing() throws IOException {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    ConfigVerdicts verdicts = ConfigVerdicts.in(shared);

    String key = verdicts.key(dir.resolve("runbook.yaml"), "{}", Map.of());
    verdicts.record(key);

    assertThat(key).isNull();
    assertThat(verdicts.passed(key)).isFalse();
    try (Stream<Path> all = Files.list(shared)) {
      assertThat(all).isEmpty();
    }
  }

  @Test
  void nothingKeptWithoutADirectoryAndNothingBreaksWhenItCannotBeMade() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");

    assertThat(ConfigVerdicts.none().key(dir.resolve("runbook.yaml"), "{}", Map.of())).isNull();
    assertThat(ConfigVerdicts.in(file.resolve("checked")).key(dir.resolve("runbook.yaml"), "{}", Map.of())).isNull();
    ConfigVerdicts.none().record(null);
    assertThat(ConfigVerdicts.none().passed(null)).isFalse();
  }

  @Test
  void theOldestEntriesGoPastTheLimit() throws IOException {
    Path kept = dir.resolve("checked");
    ConfigVerdicts verdicts = ConfigVerdicts.in(kept);
    Path file = dir.resolve("runbook.yaml");
    String oldest = verdicts.key(file, "# 0\n", Map.of());
    verdicts.record(oldest);
    Files.setLastModifiedTime(kept.resolve(oldest), FileTime.fromMillis(0));

    for (int i = 1; i <= ConfigVerdicts.KEPT; i++) {
      verdicts.record(verdicts.key(file, "# " + i + "\n", Map.of()));
    }

    assertThat(verdicts.passed(oldest)).isFalse();
    assertThat(verdicts.passed(verdicts.key(file, "# " + ConfigVerdicts.KEPT + "\n", Map.of()))).isTrue();
    try (Stream<Path> all = Files.list(kept)) {
      assertThat(all.filter(p -> !p.getFileName().toString().equals("key"))).hasSize(ConfigVerdicts.KEPT);
    }
  }
}
