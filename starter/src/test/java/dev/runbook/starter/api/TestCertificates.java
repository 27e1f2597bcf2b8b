package dev.runbook.starter.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A key pair and self-signed certificate for 127.0.0.1 and localhost, made by the JDK's keytool:
 * a PKCS12 keystore, and the same certificate and key as PEM files.
 */
public record TestCertificates(Path keystore, String password, Path certificatePem, Path keyPem) {

  public static TestCertificates create(Path dir, String name) throws IOException, InterruptedException {
    String password = "test-" + Long.toHexString(System.nanoTime());
    Path keystore = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", password, "-keypass", password);
    Path certificate = dir.resolve(name + "-cert.pem");
    keytool("-exportcert", "-rfc", "-alias", "api", "-keystore", keystore.toString(), "-storepass", password,
        "-file", certificate.toString());
    Path key = dir.resolve(name + "-key.pem");
    try {
      KeyStore store = KeyStore.getInstance(keystore.toFile(), password.toCharArray());
      PrivateKey k = (PrivateKey) store.getKey("api", password.toCharArray());
      Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(k.getEncoded())
          + "\n-----END PRIVATE KEY-----\n");
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
    return new TestCertificates(keystore, password, certificate, key);
  }

  ApiTls pem() {
    return new ApiTls(certificatePem.toString(), keyPem.toString(), null, null, certificatePem.toString());
  }

  ApiTls pkcs12() {
    return new ApiTls(null, null, keystore.toString(), password, certificatePem.toString());
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + out);
    }
  }
}
