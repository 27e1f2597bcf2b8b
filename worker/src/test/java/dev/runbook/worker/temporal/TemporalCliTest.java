package dev.runbook.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where `runbook dev` looks for the Temporal CLI, in order. */
class TemporalCliTest {
  @TempDir Path dir;

  private Path executable(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void theVersionIsTheOneTheInstallScriptPins() throws IOException {
    Path script = null;
    for (Path p = Path.of("").toAbsolutePath(); p != null && script == null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/temporal-cli"))) {
        script = p.resolve("scripts/temporal-cli");
      }
    }
    assertThat(script).as("scripts/temporal-cli above the module").isNotNull();
    Matcher m = Pattern.compile("(?m)^TEMPORAL_CLI_VERSION=(\\S+)$").matcher(Files.readString(script));
    assertThat(m.find()).isTrue();
    assertThat(TemporalCli.VERSION).isEqualTo(m.group(1));
    // ... and the script installs where Java looks.
    assertThat(Files.readString(script))
        .contains("CACHE_DIR=\"${RUNBOOK_CACHE:-$HOME/.cache/runbook}/temporal-cli/$TEMPORAL_CLI_VERSION\"")
        .contains("BIN_DIR=\"$CACHE_DIR/bin\"").contains("CLI_BIN=\"$BIN_DIR/temporal\"");
  }

  @Test
  void theEnvironmentWinsThenTheCacheThenThePath() throws IOException {
    Path chosen = executable(dir.resolve("chosen/temporal"));
    Path cached = executable(dir.resolve("cache/temporal-cli/" + TemporalCli.VERSION + "/bin/temporal"));
    Path onPath = executable(dir.resolve("bin/temporal"));
    String path = dir.resolve("empty") + ":" + dir.resolve("bin");
    Map<String, String> all = Map.of(TemporalCli.ENV_PATH, chosen.toString(),
        "RUNBOOK_CACHE", dir.resolve("cache").toString(), "PATH", path);
    assertThat(TemporalCli.find(all)).contains(chosen);
    assertThat(TemporalCli.find(Map.of("RUNBOOK_CACHE", dir.resolve("cache").toString(), "PATH", path)))
        .contains(cached);
    assertThat(TemporalCli.find(Map.of("RUNBOOK_CACHE", dir.resolve("nothing").toString(), "PATH", path)))
        .contains(onPath);
    assertThat(TemporalCli.find(Map.of("RUNBOOK_CACHE", dir.resolve("nothing").toString(),
        "PATH", dir.resolve("empty").toString()))).isEmpty();
  }

  @Test
  void theCacheDefaultsToHome() {
    assertThat(TemporalCli.cached(Map.of("HOME", "/home/erin")))
        .isEqualTo(Path.of("/home/erin/.cache/runbook/temporal-cli/" + TemporalCli.VERSION + "/bin/temporal"));
  }

  @Test
  void aFileThatIsNotExecutableIsNeitherFoundNorAcceptedFromTheEnvironment() throws IOException {
    Path plain = dir.resolve("bin/temporal");
    Files.createDirectories(plain.getParent());
    Files.writeString(plain, "not a program");
    assertThat(TemporalCli.find(Map.of("RUNBOOK_CACHE", dir.toString(), "PATH", plain.getParent().toString())))
        .isEmpty();
    assertThatThrownBy(() -> TemporalCli.find(Map.of(TemporalCli.ENV_PATH, plain.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(TemporalCli.ENV_PATH + "=" + plain + " is not an executable file")
        .hasMessageContaining("scripts/temporal-cli install");
    assertThatThrownBy(() -> TemporalCli.find(Map.of(TemporalCli.ENV_PATH, dir.resolve("typo").toString())))
        .hasMessageContaining("is not an executable file");
  }
}
