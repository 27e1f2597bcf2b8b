package dev.runbook.starter.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS for the HTTP API ({@code api.tls}): the server's certificate and key as PEM files, or a
 * PKCS12 keystore and its password (from {@code ${ENV}}); and the CA the CLI trusts when it reaches
 * the API (else the system trust store). Paths are read against the configuration file's directory.
 *
 * @param certificate PEM file: the server certificate, then any intermediates
 * @param key PEM file: the certificate's private key, unencrypted PKCS#8 ("BEGIN PRIVATE KEY")
 * @param keystore PKCS12 file holding the key and its certificate chain (instead of the PEM files)
 * @param password the keystore's password
 * @param ca PEM file: the CA certificate(s) clients trust for this API; for a self-signed
 *     certificate, the certificate itself
 */
public record ApiTls(String certificate, String key, String keystore, String password, String ca) {

  /** The same settings with relative paths read against {@code dir}. */
  public ApiTls resolvedAgainst(Path dir) {
    return new ApiTls(resolve(dir, certificate), resolve(dir, key), resolve(dir, keystore), password,
        resolve(dir, ca));
  }

  /** Whether the server has what it needs to serve (the CLI needs only {@link #ca()}). */
  boolean pem() {
    return certificate != null || key != null;
  }

  /**
   * What is missing or contradictory under {@code at} (e.g. "api.tls."), each naming the path and
   * the fix. The files are not read here: only the API server needs them ({@link #fileProblems}).
   */
  public List<String> problems(String at) {
    List<String> p = new ArrayList<>();
    boolean hasKeystore = keystore != null || password != null;
    if (pem() && hasKeystore) {
      p.add(at.substring(0, at.length() - 1) + ": give either certificate and key (PEM files) or keystore and"
          + " password (PKCS12), not both");
      return p;
    }
    if (!pem() && !hasKeystore) {
      p.add(at.substring(0, at.length() - 1) + ": give certificate and key (PEM files) or keystore and password"
          + " (PKCS12), or leave tls out to serve plain HTTP");
      return p;
    }
    if (pem()) {
      if (blank(certificate)) {
        p.add(at + "certificate: is required with key: the PEM file with the server certificate");
      }
      if (blank(key)) {
        p.add(at + "key: is required with certificate: the PEM file with the certificate's private key");
      }
    } else {
      if (blank(keystore)) {
        p.add(at + "keystore: is required with password: the PKCS12 file with the key and certificate");
      }
      if (password == null || password.isEmpty()) {
        p.add(at + "password: is required with keystore: give it as ${ENV_VAR}, never in the file");
      }
    }
    return p;
  }

  /**
   * What is wrong with the files, once {@link #problems} found none: missing, unreadable, not what
   * they should be, a key that is not the certificate's, a password that does not open the
   * keystore; each naming the setting, the file and the fix, never the password. Read by the API
   * server before it listens, so it never serves without the TLS it was told to use.
   */
  public List<String> fileProblems(String at) {
    List<String> p = new ArrayList<>();
    if (pem()) {
      unreadable(p, at + "certificate", certificate);
      unreadable(p, at + "key", key);
    } else {
      unreadable(p, at + "keystore", keystore);
    }
    if (p.isEmpty()) {
      try {
        TlsFiles.serverContext(this, at);
      } catch (IllegalArgumentException e) {
        p.add(e.getMessage());
      }
    }
    p.addAll(caProblems(at));
    return p;
  }

  /** What is wrong with {@link #ca()}: all a client needs. */
  public List<String> caProblems(String at) {
    if (ca == null) {
      return List.of();
    }
    List<String> p = new ArrayList<>();
    unreadable(p, at + "ca", ca);
    if (!p.isEmpty()) {
      return p;
    }
    try {
      TlsFiles.certificates(Path.of(ca), at + "ca");
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
  }

  private static void unreadable(List<String> p, String where, String file) {
    Path path = Path.of(file);
    if (!Files.exists(path)) {
      p.add(where + ": " + file + " does not exist: give the path of the file"
          + " (relative paths are read against the configuration file's directory)");
    } else if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      p.add(where + ": " + file + " cannot be read by this process: make it a file this user can read");
    }
  }

  private static String resolve(Path dir, String file) {
    return file == null || file.isBlank() ? file : dir.resolve(file).normalize().toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    return "ApiTls[certificate=" + certificate + ", key=" + key + ", keystore=" + keystore
        + ", password=" + (password == null ? "none" : "(set)") + ", ca=" + ca + "]";
  }
}
