package dev.runbook.worker.config;

import dev.runbook.starter.api.AlertRoute;
import dev.runbook.starter.api.ApiTls;
import dev.runbook.starter.api.ConsoleSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP API's own settings; who may call it comes from {@code people} (those with a
 * tokenSha256) and what a full rollback covers from {@code environments}.
 *
 * @param starters roles allowed to start runs; empty means anyone with a token
 * @param alertRoutes which Alertmanager alerts start which runbook, first match wins
 * @param readTimeout how long a client has to send a whole request (default 10s)
 * @param writeTimeout how long a client has to take in an answer (default 30s)
 * @param maxConnections connections served at once; more are refused (default 256)
 * @param tls HTTPS: certificate and key (PEM), or keystore and password (PKCS12); ca for the CLI
 * @param console the approval console: secret (signs sessions and one-time links), url (its public
 *     address, for links), linkTtl, sessionTtl
 */
public record ApiSection(String listen, Integer threads, List<String> starters, List<AlertRoute> alertRoutes,
    Duration readTimeout, Duration writeTimeout, Integer maxConnections, ApiTls tls, ConsoleSettings console) {

  static ApiSection defaults() {
    return new ApiSection(null, null, null, null, null, null, null, null, null);
  }

  /** The same section with the TLS files read against {@code dir} (the configuration file's). */
  ApiSection resolvedAgainst(Path dir) {
    return tls == null ? this : new ApiSection(listen, threads, starters, alertRoutes, readTimeout, writeTimeout,
        maxConnections, tls.resolvedAgainst(dir), console);
  }
}
