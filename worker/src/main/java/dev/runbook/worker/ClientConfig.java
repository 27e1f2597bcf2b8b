package dev.runbook.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.starter.api.ApiSettings;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.ConfigVerdicts;
import dev.runbook.worker.config.TemporalSettings;
import dev.runbook.worker.config.WorkerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a command that answers and exits reads of the configuration: where the state is (a running
 * {@code runbook dev} of it), where the API is and the CA it is trusted by, and Temporal UI for
 * links. A file that passed the whole check before, unchanged, with the same values of the
 * variables it names ({@link ConfigVerdicts}), is read for these settings alone; any other is
 * mapped and checked whole first, so a problem in it is still reported by every command.
 *
 * @param source the file's absolute path, or "built-in defaults"
 * @param apiUrl the API's address from api.listen and api.tls
 * @param apiCa api.tls.ca read against the file's directory, or null
 * @param uiUrl temporal.uiUrl, or null
 */
record ClientConfig(String source, Path stateDir, String apiUrl, String apiCa, String uiUrl, String namespace) {

  /** The settings, and whether the whole file was checked to read them. */
  record Read(ClientConfig config, boolean checked) {}

  /**
   * @param explicit the --config value, or null
   * @param env the environment: {@code RUNBOOK_CONFIG} and the variables the file names
   * @throws dev.runbook.worker.config.ConfigException for a file that does not pass the whole check
   */
  static Read load(Path explicit, Function<String, String> env, ConfigVerdicts verdicts) {
    Path file = Settings.locate(explicit, env);
    if (file == null) {
      return new Read(of(Settings.defaults()), false);
    }
    Path abs = file.toAbsolutePath();
    String text;
    try {
      text = Files.readString(abs);
    } catch (IOException e) {
      return new Read(of(Settings.load(abs, false, env)), true); // says what is wrong with reading it
    }
    Map<String, String> named = new TreeMap<>();
    Function<String, String> recording = name -> {
      String value = env.apply(name);
      named.put(name, value);
      return value;
    };
    String key = null;
    try {
      JsonNode tree = ConfigLoader.substitutedTree(text, recording);
      key = verdicts.key(abs, text, named);
      if (tree != null && tree.isObject() && verdicts.passed(key)) {
        return new Read(fromTree(tree, abs), false);
      }
    } catch (IOException | RuntimeException e) {
      // not YAML, or nothing kept: the whole check below says what is wrong
    }
    Settings settings = Settings.of(ConfigLoader.parse(text, abs.toString(), env, false), abs);
    verdicts.record(key);
    return new Read(of(settings), true);
  }

  /** From a configuration mapped and checked whole. */
  static ClientConfig of(Settings settings) {
    ApiSettings api = settings.config().apiSettings();
    TemporalSettings temporal = settings.config().temporal();
    return new ClientConfig(settings.source(), settings.stateDir(), api.scheme() + "://" + api.listen(),
        api.tls() == null ? null : api.tls().ca(), temporal.uiUrl(), temporal.namespace());
  }

  /**
   * From the YAML tree of a file that passed the whole check: the same values, with the same
   * defaults, as {@link #of(Settings)} gives for it.
   */
  static ClientConfig fromTree(JsonNode tree, Path file) {
    Path dir = file.getParent();
    JsonNode api = tree.path("api");
    JsonNode tls = api.path("tls");
    boolean https = !tls.isMissingNode() && !tls.isNull();
    String ca = text(tls, "ca", null);
    String uiUrl = text(tree.path("temporal"), "uiUrl", null);
    return new ClientConfig(
        file.toString(),
        dir.resolve(text(tree.path("worker"), "stateDir", WorkerSettings.DEFAULT_STATE_DIR)).normalize(),
        (https ? "https" : "http") + "://" + text(api, "listen", ApiSettings.DEFAULT_LISTEN),
        ca == null || ca.isBlank() ? ca : dir.resolve(ca).normalize().toString(),
        uiUrl == null || uiUrl.isBlank() ? null : uiUrl.strip(),
        text(tree.path("temporal"), "namespace", TemporalSettings.defaults().namespace()));
  }

  private static String text(JsonNode section, String field, String otherwise) {
    JsonNode value = section.path(field);
    return value.isMissingNode() || value.isNull() ? otherwise : value.asText();
  }
}
