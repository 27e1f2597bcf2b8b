package dev.runbook.worker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where Temporal is.
 *
 * @param address {@code embedded} (the default: {@code runbook dev} hosts a server itself, the
 *     Temporal CLI's dev server when installed, else the in-process test server) or host:port of
 *     a real server
 * @param embeddedPort the port a server dev hosts listens on for gRPC (default 7233; 0: any free one)
 * @param tls TLS to a real server (null: plaintext, as a server on this machine or a private network)
 * @param uiPort the port of Temporal UI when dev hosts the CLI's dev server (default 8233; 0: any free one)
 * @param uiUrl the base URL of the team's Temporal UI (e.g. https://temporal.example.com), so the
 *     CLI and the workers print each run's page; null: none (dev prints its own)
 */
public record TemporalSettings(String address, String namespace, String taskQueue, Integer embeddedPort,
    TemporalTls tls, Integer uiPort, String uiUrl) {
  public static final String EMBEDDED = "embedded";
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:[0-9]{1,5}");
  private static final Pattern URL = Pattern.compile("https?://[^\\s/?#]+(/[^\\s?#]*)?");

  public static TemporalSettings defaults() {
    return new TemporalSettings(EMBEDDED, "default", "runbook", 7233, null, 8233, null);
  }

  public TemporalSettings withDefaults() {
    TemporalSettings d = defaults();
    return new TemporalSettings(
        address == null ? d.address : address,
        namespace == null ? d.namespace : namespace,
        taskQueue == null ? d.taskQueue : taskQueue,
        embeddedPort == null ? d.embeddedPort : embeddedPort,
        tls,
        uiPort == null ? d.uiPort : uiPort,
        uiUrl == null || uiUrl.isBlank() ? null : uiUrl.strip());
  }

  /** The same settings with the TLS files read against {@code dir}, the configuration file's directory. */
  TemporalSettings resolvedAgainst(java.nio.file.Path dir) {
    return tls == null ? this
        : new TemporalSettings(address, namespace, taskQueue, embeddedPort, tls.resolvedAgainst(dir), uiPort, uiUrl);
  }

  public boolean embedded() {
    return EMBEDDED.equals(address);
  }

  List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (!embedded() && !HOST_PORT.matcher(address).matches()) {
      p.add(path + ".address: '" + address + "' is not host:port: write e.g. 127.0.0.1:7233, or embedded");
    }
    if (namespace.isBlank()) {
      p.add(path + ".namespace is empty: use default or your namespace's name");
    }
    if (taskQueue.isBlank()) {
      p.add(path + ".taskQueue is empty: use runbook, or the queue your workers poll");
    }
    if (tls != null && embedded()) {
      p.add(path + ".tls: the embedded server serves plaintext on 127.0.0.1 only: leave tls out, or set "
          + path + ".address to the server TLS is for");
    }
    if (tls != null) {
      p.addAll(tls.problems(path + ".tls."));
    }
    if (embeddedPort < 0 || embeddedPort > 65535) {
      p.add(path + ".embeddedPort " + embeddedPort + " is not a port: use 0 to 65535");
    }
    if (uiPort < 0 || uiPort > 65535) {
      p.add(path + ".uiPort " + uiPort + " is not a port: use 0 to 65535");
    } else if (uiPort != 0 && uiPort.equals(embeddedPort)) {
      p.add(path + ".uiPort " + uiPort + " is embeddedPort too: give Temporal UI another port (default 8233)");
    }
    if (uiUrl != null && !URL.matcher(uiUrl).matches()) {
      p.add(path + ".uiUrl: '" + uiUrl + "' is not an http(s) URL: write the base address of Temporal UI,"
          + " e.g. https://temporal.example.com");
    }
    return p;
  }
}
