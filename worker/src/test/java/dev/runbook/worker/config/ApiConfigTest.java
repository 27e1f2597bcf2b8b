package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The api section's timeouts, connection limit and TLS files as runbook.yaml gives them. */
class ApiConfigTest {
  @TempDir Path dir;

  @Test
  void timeoutsAndTheConnectionLimitAreReadAsPeopleWriteThem() {
    RunbookConfig c = ConfigLoader.parse("""
        api:
          listen: 127.0.0.1:0
          readTimeout: 15s
          writeTimeout: 1m
          maxConnections: 100
        """, "runbook.yaml", Map.<String, String>of()::get);

    assertThat(c.apiSettings().readTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.apiSettings().writeTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.apiSettings().maxConnections()).isEqualTo(100);
    assertThat(c.apiSettings().tls()).isNull();
  }

  @Test
  void outOfRangeValuesAreRefusedWithTheirPath() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        api:
          readTimeout: 0s
          maxConnections: 100000
        """, "runbook.yaml", Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.readTimeout: 0s is out of range: use 1s to 5m (default 10s)")
        .hasMessageContaining("api.maxConnections: 100000 is out of range: use 1 to 4096 (default 256)");
  }

  @Test
  void tlsFilesAreReadAgainstTheConfigurationsDirectoryAndOnlyTheServerNeedsThem() throws Exception {
    Path config = dir.resolve("runbook.yaml");
    Files.writeString(config, """
        api:
          tls:
            keystore: certs/api.p12
            password: ${API_KEYSTORE_PASSWORD}
        """);
    Path expected = dir.resolve("certs/api.p12");

    // A worker loads the configuration without the API's key; the API server names what is missing.
    RunbookConfig worker = ConfigLoader.load(config, Map.of("API_KEYSTORE_PASSWORD", "s3cret-value")::get);
    assertThat(worker.apiSettings().tls().keystore()).isEqualTo(expected.toString());
    assertThat(worker.apiSettings().tlsFileProblems("api")).containsExactly(
        "api.tls.keystore: " + expected + " does not exist: give the path of the file"
            + " (relative paths are read against the configuration file's directory)");

    // The CLI only reaches the API: the keystore's password need not be set.
    RunbookConfig cli = ConfigLoader.load(config, Map.<String, String>of()::get, false);
    assertThat(cli.apiSettings().scheme()).isEqualTo("https");
  }

  @Test
  void tlsWithAKeystoreButNoPasswordIsRefused() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        api:
          tls: {keystore: api.p12}
        """, "runbook.yaml", Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.tls.password: is required with keystore: give it as ${ENV_VAR}, never in the file");
  }

  @Test
  void unknownKeysUnderTlsAreMistakes() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        api:
          tls: {cert: a.pem, key: b.pem}
        """, "runbook.yaml", Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.tls: unknown key 'cert'");
  }
}
