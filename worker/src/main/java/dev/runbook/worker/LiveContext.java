package dev.runbook.worker;

import dev.runbook.starter.BackupImports;
import dev.runbook.starter.BackupJobs;
import dev.runbook.starter.BackupList;
import dev.runbook.starter.DrillLog;
import dev.runbook.starter.Releases;
import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.api.ApiClient;
import dev.runbook.starter.cli.CliContext;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.worker.catalog.ConfigFingerprint;
import dev.runbook.worker.config.ConfigVerdicts;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's view of the world: the HTTP API, reached on first use, with proof of who acts. A
 * running {@code runbook dev} of this configuration is found through its state file, and trusts
 * {@code --as NAME} from whoever can read its secret (this machine's user); anywhere else the
 * CLI needs the API's address ({@code RUNBOOK_API_URL}, else {@code api.listen}) and the person's
 * token ({@code RUNBOOK_TOKEN}, else the file {@code RUNBOOK_TOKEN_FILE}, else
 * {@code ~/.config/runbook/token}).
 */
final class LiveContext implements CliContext, AutoCloseable {
  static final String ENV_URL = "RUNBOOK_API_URL";
  static final String ENV_TOKEN = "RUNBOOK_TOKEN";
  static final String ENV_TOKEN_FILE = "RUNBOOK_TOKEN_FILE";
  /** A PEM file with the CA an https API's certificate is trusted by (else api.tls.ca, else the system's). */
  static final String ENV_CA = "RUNBOOK_API_CA";

  private final Path configFile;
  private final Map<String, String> env;
  private final PrintStream err;
  private final ConfigVerdicts verdicts;
  private ClientConfig client;
  private ApiClient api;

  LiveContext(Path configFile) {
    this(configFile, System.getenv(), System.err, ConfigVerdicts.fromSystem());
  }

  LiveContext(Path configFile, Map<String, String> env, PrintStream err) {
    this(configFile, env, err, ConfigVerdicts.none());
  }

  /** @param verdicts the configurations that passed the whole check before, read lightly */
  LiveContext(Path configFile, Map<String, String> env, PrintStream err, ConfigVerdicts verdicts) {
    this.configFile = configFile;
    this.env = env;
    this.err = err;
    this.verdicts = verdicts;
  }

  /** The configuration, every secret set: for the processes (dev, worker, serve). */
  Settings settings() {
    return Settings.load(configFile);
  }

  /**
   * The configuration as the CLI reads it: where the state and the API are. A variable the
   * workers need (a database password) may be unset here: the CLI never sees secrets.
   */
  private ClientConfig cliSettings() {
    if (client == null) {
      client = ClientConfig.load(configFile, env::get, verdicts).config();
    }
    return client;
  }

  /** The API, with the credentials of whoever runs this command. */
  synchronized ApiClient api() {
    if (api == null) {
      api = connect();
    }
    return api;
  }

  private ApiClient connect() {
    String url = blankToNull(env.get(ENV_URL));
    Optional<DevState> dev = url == null ? DevState.read(cliSettings().stateDir()) : Optional.empty();
    if (dev.isPresent() && dev.get().apiUrl() != null) {
      return new ApiClient(URI.create(dev.get().apiUrl()),
          new ApiClient.Credentials(DevState.secret(cliSettings().stateDir()), true, defaultPerson()),
          trust(dev.get().apiUrl()));
    }
    if (url == null) {
      url = cliSettings().apiUrl();
    }
    String token = token();
    if (token == null) {
      throw new RunbookException.Refused(RefusalKind.UNKNOWN_PERSON, (blankToNull(env.get(ENV_URL)) == null
              ? "no `runbook dev` runs with " + cliSettings().source() + ", and no"
              : "no")
          + " token is set to reach the API at " + url + ": start `runbook dev` there, or set "
          + ENV_URL + " and " + ENV_TOKEN + " (or put the token in " + tokenFile() + "; `runbook token new --for NAME`"
          + " makes one)");
    }
    return new ApiClient(URI.create(url), new ApiClient.Credentials(token, false, null), trust(url));
  }

  /** What an https API is trusted by: RUNBOOK_API_CA, else api.tls.ca, else the system trust store. */
  private javax.net.ssl.SSLContext trust(String url) {
    if (!url.startsWith("https:")) {
      return null;
    }
    String ca = blankToNull(env.get(ENV_CA));
    if (ca == null) {
      ca = cliSettings().apiCa();
    }
    try {
      return ApiClient.trusting(ca == null ? null : Path.of(ca));
    } catch (IllegalArgumentException e) {
      throw new RunbookException.Unavailable("cannot reach the API at " + url + ": " + e.getMessage());
    }
  }

  private String defaultPerson() {
    String as = blankToNull(env.get("RUNBOOK_AS"));
    return as != null ? as : System.getProperty("user.name");
  }

  private String token() {
    String token = blankToNull(env.get(ENV_TOKEN));
    if (token != null) {
      return token;
    }
    Path file = tokenFile();
    try {
      return Files.isReadable(file) ? blankToNull(Files.readString(file).strip()) : null;
    } catch (IOException e) {
      throw new RunbookException.InvalidRequest("cannot read the token file " + file + ": " + e.getMessage());
    }
  }

  private Path tokenFile() {
    String file = blankToNull(env.get(ENV_TOKEN_FILE));
    return file != null ? Path.of(file) : Path.of(System.getProperty("user.home"), ".config", "runbook", "token");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  @Override
  public Runbooks client() {
    return api();
  }

  /** On the running dev's Temporal UI, else on temporal.uiUrl's. */
  @Override
  public String runPage(String workflowId, String runId) {
    try {
      ClientConfig c = cliSettings();
      String base = DevState.read(c.stateDir()).map(DevState::uiUrl).orElse(c.uiUrl());
      if (base == null) {
        return null;
      }
      var ui = new dev.runbook.worker.temporal.TemporalUi(base, c.namespace());
      return runId == null ? ui.workflow(workflowId) : ui.run(workflowId, runId);
    } catch (RuntimeException e) {
      return null; // a link is a convenience: its absence never fails a command
    }
  }

  @Override
  public RollbackLog log() {
    return api();
  }

  @Override
  public dev.runbook.starter.IncidentReports reports() {
    return api();
  }

  @Override
  public DrillLog drills() {
    return api();
  }

  @Override
  public Releases releases() {
    return api();
  }

  @Override
  public BackupList backups() {
    return api();
  }

  @Override
  public BackupImports imports() {
    return api();
  }

  @Override
  public BackupJobs jobs() {
    return api();
  }

  @Override
  public dev.runbook.starter.DrillJobs drillJobs() {
    return api();
  }

  @Override
  public dev.runbook.starter.Checklists checklists() {
    return api().checklists();
  }

  /** The API completes an environment from the workers' configuration. */
  @Override
  public Map<String, Environment> environments() {
    return Map.of();
  }

  /**
   * Says so when this command's configuration file is not the one the workers run: its services,
   * people and policy may not be what the run will see.
   */
  @Override
  public void close() {
    if (api == null || api.workersConfig() == null || client == null) {
      return;
    }
    Path file = Path.of(client.source());
    if (!file.isAbsolute()) {
      return;
    }
    String mine = ConfigFingerprint.of(file);
    if (!mine.equals(api.workersConfig())) {
      err.println("warning: " + file + " (configuration " + mine + ") is not the configuration the workers run ("
          + api.workersConfig() + "): they judged this command by theirs");
    }
  }
}
