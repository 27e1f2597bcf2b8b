package dev.runbook.worker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where Temporal is.
 *
 * @param address {@code embedded} (the in-process test server: the default) or host:port of a
 *     real server
 * @param embeddedPort the port the embedded server listens on (default 7233)
 * @param tls TLS to a real server (null: plaintext, as a server on this machine or a private network)
 */
public record TemporalSettings(String address, String namespace, String taskQueue, Integer embeddedPort,
    TemporalTls tls) {
  public static final String EMBEDDED = "embedded";
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:[0-9]{1,5}");

  public static TemporalSettings defaults() {
    return new TemporalSettings(EMBEDDED, "default", "runbook", 7233, null);
  }

  public TemporalSettings withDefaults() {
    TemporalSettings d = defaults();
    return new TemporalSettings(
        address == null ? d.address : address,
        namespace == null ? d.namespace : namespace,
        taskQueue == null ? d.taskQueue : taskQueue,
        embeddedPort == null ? d.embeddedPort : embeddedPort,
        tls);
  }

  /** The same settings with the TLS files read against {@code dir}, the configuration file's directory. */
  TemporalSettings resolvedAgainst(java.nio.file.Path dir) {
    return tls == null ? this : new TemporalSettings(address, namespace, taskQueue, embeddedPort, tls.resolvedAgainst(dir));
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
    return p;
  }
}
