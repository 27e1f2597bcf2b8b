package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** temporal.tls as runbook.yaml gives it. */
class TemporalTlsConfigTest {
  @TempDir Path dir;

  @Test
  void filesAreReadAgainstTheConfigurationsDirectory() throws Exception {
    Path config = dir.resolve("runbook.yaml");
    Files.writeString(config, """
        temporal:
          address: temporal.internal:7233
          tls: {ca: certs/ca.pem, certificate: certs/worker.pem, key: certs/worker-key.pem, serverName: temporal}
        """);
    TemporalTls tls = ConfigLoader.load(config, Map.<String, String>of()::get).temporal().tls();

    assertThat(tls.ca()).isEqualTo(dir.resolve("certs/ca.pem").toString());
    assertThat(tls.certificate()).isEqualTo(dir.resolve("certs/worker.pem").toString());
    assertThat(tls.key()).isEqualTo(dir.resolve("certs/worker-key.pem").toString());
    assertThat(tls.serverName()).isEqualTo("temporal");
    assertThat(tls.mutual()).isTrue();
  }

  @Test
  void withoutTlsTheConnectionIsPlaintext() {
    assertThat(ConfigLoader.parse("temporal: {address: 127.0.0.1:7233}\n", "runbook.yaml",
        Map.<String, String>of()::get).temporal().tls()).isNull();
  }

  @Test
  void halfAClientCertificateTlsToTheEmbeddedServerAndAnEmptyNameAreRefusedWithTheFix() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        temporal:
          address: temporal.internal:7233
          tls: {certificate: worker.pem, serverName: " "}
        """, "runbook.yaml", Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("temporal.tls.key: is required with certificate for mutual TLS: give both PEM files, or neither")
        .hasMessageContaining("temporal.tls.serverName is empty");
    assertThatThrownBy(() -> ConfigLoader.parse("temporal: {tls: {ca: ca.pem}}\n", "runbook.yaml",
        Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("temporal.tls: the embedded server serves plaintext on 127.0.0.1 only");
  }
}
