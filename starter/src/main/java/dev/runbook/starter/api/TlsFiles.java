package dev.runbook.starter.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads TLS material: PEM certificates and PKCS#8 keys, PKCS12 keystores, and the CA a client
 * trusts (the API's, and the workers' to reach Temporal). Every failure is an {@link
 * IllegalArgumentException} naming the setting, the file and the fix, and never a password or key
 * material.
 */
public final class TlsFiles {
  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final char[] IN_MEMORY = "runbook-api".toCharArray();

  private TlsFiles() {}

  /** The server's TLS context from {@code tls}; {@code at} names the settings (e.g. "api.tls."). */
  static SSLContext serverContext(ApiTls tls, String at) {
    KeyStore store;
    char[] password;
    if (tls.pem()) {
      List<X509Certificate> chain = certificates(Path.of(tls.certificate()), at + "certificate");
      PrivateKey key = privateKey(Path.of(tls.key()), at + "key");
      ensurePair(key, chain.get(0), at);
      password = IN_MEMORY;
      try {
        store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("api", key, password, chain.toArray(new Certificate[0]));
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot hold the API's key in memory: " + e.getMessage(), e);
      }
    } else {
      password = tls.password().toCharArray();
      store = keystore(Path.of(tls.keystore()), password, at);
    }
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(at + (tls.pem() ? "key" : "keystore")
          + ": the key cannot be used for TLS (" + e.getMessage() + "): use an RSA or EC key", e);
    }
  }

  /**
   * What a client trusts: the certificates in {@code caFile} when given, else the system trust
   * store.
   */
  static SSLContext clientContext(Path caFile, String what) {
    try {
      if (caFile == null) {
        return SSLContext.getDefault();
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates(caFile, what)) {
        trusted.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS to reach the API: " + e.getMessage(), e);
    }
  }

  /** The X.509 certificates in a PEM file, in order; at least one. */
  public static List<X509Certificate> certificates(Path file, String what) {
    byte[] bytes = read(file, what);
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      List<X509Certificate> out = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast).toList();
      if (out.isEmpty()) {
        throw new CertificateException("no certificate found");
      }
      return out;
    } catch (CertificateException | IOException e) {
      throw new IllegalArgumentException(what + ": " + file + " holds no readable certificate (" + e.getMessage()
          + "): give a PEM file starting with -----BEGIN CERTIFICATE-----", e);
    }
  }

  /** An unencrypted PKCS#8 private key (RSA, EC or EdDSA) from a PEM file. */
  public static PrivateKey privateKey(Path file, String what) {
    String text = new String(read(file, what), StandardCharsets.US_ASCII);
    Matcher m = PEM_KEY.matcher(text);
    if (!m.find()) {
      String found = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
          ? "a key in the older PKCS#1/SEC1 form"
          : text.contains("BEGIN ENCRYPTED PRIVATE KEY") ? "an encrypted key" : "no private key";
      throw new IllegalArgumentException(what + ": " + file + " holds " + found
          + ": give an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----), e.g. from"
          + " `openssl pkcs8 -topk8 -nocrypt -in OLD.pem -out key.pem`, or use keystore and password");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + file + " is not valid PEM: the key's base64 is broken", e);
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(what + ": " + file + " holds a key of an unknown kind: use an RSA or EC key");
  }

  private static KeyStore keystore(Path file, char[] password, String at) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(file.toFile(), password);
    } catch (IOException e) {
      throw new IllegalArgumentException(at + "keystore: " + file + " does not open with " + at + "password"
          + ": check the password (the environment variable it names) and that the file is a PKCS12 keystore", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(at + "keystore: " + file + " is not a keystore (" + e.getMessage()
          + "): give a PKCS12 file, e.g. from `openssl pkcs12 -export` or `keytool -genkeypair -storetype PKCS12`", e);
    }
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          Key key = store.getKey(alias, password);
          if (key instanceof PrivateKey) {
            return store;
          }
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(at + "keystore: the key in " + file + " does not open with "
          + at + "password: give the keystore a key protected by the same password", e);
    }
    throw new IllegalArgumentException(at + "keystore: " + file + " holds no private key: add the server's key"
        + " and certificate chain to it");
  }

  /** Fails unless {@code key} is the private half of the certificate's public key. */
  public static void ensurePair(PrivateKey key, X509Certificate certificate, String at) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "runbook api key check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      matches = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException(at + "key: it is not the key of the certificate in " + at
          + "certificate (" + certificate.getSubjectX500Principal().getName()
          + "): give the key the certificate was issued for");
    }
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": " + file + " cannot be read (" + e.getMessage()
          + "): make it a file this user can read", e);
    }
  }
}
