package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.temporal.TemporalCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which Temporal server `runbook dev` hosts. */
class DevCommandTest {
  @TempDir Path dir;

  private Settings config(String temporal) throws Exception {
    Path f = dir.resolve("runbook.yaml");
    Files.writeString(f, "temporal: " + temporal + "\n");
    return Settings.load(f);
  }

  @Test
  void theCliServesWhenFoundUnlessInMemoryIsAskedOrARealServerIsConfigured() throws Exception {
    Path cli = dir.resolve("temporal");
    Files.writeString(cli, "#!/bin/sh\n");
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = Map.of(TemporalCli.ENV_PATH, cli.toString());
    Map<String, String> none = Map.of("RUNBOOK_CACHE", dir.resolve("empty").toString(), "PATH", "");

    Settings embedded = config("{address: embedded}");
    assertThat(DevCommand.temporalCli(embedded, false, env)).isEqualTo(cli);
    assertThat(DevCommand.temporalCli(embedded, true, env)).as("--in-memory").isNull();
    assertThat(DevCommand.temporalCli(embedded, false, none)).as("no CLI installed").isNull();
    assertThat(DevCommand.temporalCli(config("{address: 127.0.0.1:7233}"), false, env)).as("a real server").isNull();
  }
}
