package dev.runbook.worker.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS to the Temporal server ({@code temporal.tls}): the CA that signed the server's certificate
 * (else the system trust store), and for mutual TLS the client's certificate and key. Paths are
 * read against the configuration file's directory.
 *
 * @param ca PEM file: the CA certificate(s) trusted for the server; null trusts the system's CAs
 * @param certificate PEM file: this client's certificate (mutual TLS), then any intermediates
 * @param key PEM file: that certificate's private key, unencrypted PKCS#8 ("BEGIN PRIVATE KEY")
 * @param serverName the name the server's certificate carries, when it differs from the host in
 *     temporal.address (e.g. a load balancer's address)
 */
public record TemporalTls(String ca, String certificate, String key, String serverName) {

  /** The same settings with relative paths read against {@code dir}. */
  public TemporalTls resolvedAgainst(Path dir) {
    return new TemporalTls(resolve(dir, ca), resolve(dir, certificate), resolve(dir, key), serverName);
  }

  /** Whether the client presents a certificate (mutual TLS). */
  public boolean mutual() {
    return certificate != null;
  }

  List<String> problems(String at) {
    List<String> p = new ArrayList<>();
    if ((certificate == null) != (key == null)) {
      p.add(at + (certificate == null ? "certificate" : "key") + ": is required with "
          + (certificate == null ? "key" : "certificate") + " for mutual TLS: give both PEM files, or neither");
    }
    if (serverName != null && serverName.isBlank()) {
      p.add(at + "serverName is empty: leave it out to check the host in temporal.address, or give the name"
          + " on the server's certificate");
    }
    return p;
  }

  private static String resolve(Path dir, String file) {
    return file == null ? null : dir.resolve(file).normalize().toString();
  }
}
