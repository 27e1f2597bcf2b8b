package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.worker.config.ConfigException;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.ConfigVerdicts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client command reads a file that passed the whole check for its few settings alone: the same
 * values as the whole read gives, and the whole check again whenever the file or a variable it
 * names changes.
 */
class ClientConfigTest {
  @TempDir Path dir;

  static Stream<String> configs() {
    return Stream.of(
        "",
        "temporal:\n  address: embedded\n",
        "api:\n  listen: 127.0.0.1:18491\nworker:\n  stateDir: state\n",
        "api:\n  listen: ${LISTEN}\nworker:\n  stateDir: ${STATE:-other/../state}\n",
        "api:\n  listen: \"[::1]:9443\"\n  tls:\n    certificate: tls/api.pem\n    key: tls/api.key\n    ca: ../ca/root.pem\n",
        "api:\n  tls:\n    keystore: /etc/runbook/api.p12\n    password: ${P12_PASSWORD}\n",
        "temporal:\n  address: 127.0.0.1:7233\n  namespace: payments\n  uiUrl: '  https://temporal.example.com/ui '\n",
        "temporal:\n  address: 127.0.0.1:7233\n  uiUrl: ''\nworker:\n  stateDir: /var/lib/runbook\n",
        "worker:\n  stateDir: ''\n");
  }

  @ParameterizedTest
  @MethodSource("configs")
  void aCheckedFileReadAloneGivesWhatTheWholeReadGives(String yaml) throws IOException {
    Path file = write("runbook.yaml", yaml + (yaml.isEmpty() ? "" : "\n"));
    Map<String, String> env = Map.of("LISTEN", "0.0.0.0:8443", "P12_PASSWORD", "not-a-real-one");

    ClientConfig whole = ClientConfig.of(Settings.load(file, false, env::get));
    var tree = ConfigLoader.substitutedTree(Files.readString(file), env::get);

    if (tree == null) {
      assertThat(whole.stateDir()).isEqualTo(dir.resolve(".runbook"));
      return;
    }
    assertThat(ClientConfig.fromTree(tree, file)).isEqualTo(whole);
  }

  @Test
  void theWholeCheckRunsOnceForAFileThenAgainAfterEachChange() throws IOException {
    ConfigVerdicts verdicts = ConfigVerdicts.in(dir.resolve("checked"));
    Path file = write("runbook.yaml", "api:\n  listen: 127.0.0.1:18491\nworker:\n  stateDir: state\n");

    ClientConfig.Read first = ClientConfig.load(file, Map.<String, String>of()::get, verdicts);
    ClientConfig.Read again = ClientConfig.load(file, Map.<String, String>of()::get, verdicts);

    assertThat(first.checked()).isTrue();
    assertThat(again.checked()).isFalse();
    assertThat(again.config()).isEqualTo(first.config());
    assertThat(again.config().apiUrl()).isEqualTo("http://127.0.0.1:18491");

    Files.writeString(file, "api:\n  listen: 127.0.0.1:18492\n  lisen: typo\n");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> ClientConfig.load(file, Map.<String, String>of()::get, verdicts))
          .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'lisen'");
    }

    Files.writeString(file, "api:\n  listen: 127.0.0.1:18492\n");
    assertThat(ClientConfig.load(file, Map.<String, String>of()::get, verdicts).checked()).isTrue();
    ClientConfig.Read changed = ClientConfig.load(file, Map.<String, String>of()::get, verdicts);
    assertThat(changed.checked()).isFalse();
    assertThat(changed.config().apiUrl()).isEqualTo("http://127.0.0.1:18492");
  }

  @Test
  void aVariableTheFileNamesIsPartOfWhatWasChecked() throws IOException {
    ConfigVerdicts verdicts = ConfigVerdicts.in(dir.resolve("checked"));
    Path file = write("runbook.yaml", "api:\n  listen: ${API_LISTEN}\n");
    Map<String, String> env = new HashMap<>(Map.of("API_LISTEN", "127.0.0.1:18491"));

    assertThat(ClientConfig.load(file, env::get, verdicts).checked()).isTrue();
    assertThat(ClientConfig.load(file, env::get, verdicts).checked()).isFalse();

    env.put("API_LISTEN", "not an address");
    assertThatThrownBy(() -> ClientConfig.load(file, env::get, verdicts))
        .isInstanceOf(ConfigException.class).hasMessageContaining("api.listen");

    env.put("API_LISTEN", "127.0.0.1:18493");
    ClientConfig.Read other = ClientConfig.load(file, env::get, verdicts);
    assertThat(other.checked()).isTrue();
    assertThat(other.config().apiUrl()).isEqualTo("http://127.0.0.1:18493");
  }

  @Test
  void theSameTextAtAnotherPathIsCheckedThere() throws IOException {
    ConfigVerdicts verdicts = ConfigVerdicts.in(dir.resolve("checked"));
    String yaml = "worker:\n  stateDir: state\n";
    Path a = write("a/runbook.yaml", yaml);
    Path b = write("b/runbook.yaml", yaml);

    assertThat(ClientConfig.load(a, Map.<String, String>of()::get, verdicts).checked()).isTrue();
    ClientConfig.Read atB = ClientConfig.load(b, Map.<String, String>of()::get, verdicts);

    assertThat(atB.checked()).isTrue();
    assertThat(atB.config().stateDir()).isEqualTo(dir.resolve("b/state"));
  }

  @Test
  void withNothingKeptEveryReadChecksTheWholeFile() throws IOException {
    Path file = write("runbook.yaml", "worker:\n  stateDir: state\n");

    assertThat(ClientConfig.load(file, Map.<String, String>of()::get, ConfigVerdicts.none()).checked()).isTrue();
    assertThat(ClientConfig.load(file, Map.<String, String>of()::get, ConfigVerdicts.none()).checked()).isTrue();
  }

  @Test
  void anUnreadableFileIsNamedWithTheFix() {
    Path missing = dir.resolve("nowhere.yaml");

    assertThatThrownBy(() -> ClientConfig.load(missing, Map.<String, String>of()::get,
        ConfigVerdicts.in(dir.resolve("checked"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining(missing.toString()).hasMessageContaining("check the path");
  }

  private Path write(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml);
    return file;
  }
}
