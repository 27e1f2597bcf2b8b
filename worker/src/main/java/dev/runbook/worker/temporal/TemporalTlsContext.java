package dev.runbook.worker.temporal;

import dev.runbook.starter.api.TlsFiles;
import dev.runbook.worker.config.TemporalTls;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/** The gRPC client's TLS context for {@code temporal.tls}: whom it trusts, and what it presents. */
final class TemporalTlsContext {
  private static final String AT = "temporal.tls.";

  private TemporalTlsContext() {}

  /**
   * Reads the files now, so a missing or wrong one stops the process at its start with the setting
   * and the fix, never at the first run.
   */
  static SslContext of(TemporalTls tls) {
    SslContextBuilder b = GrpcSslContexts.forClient();
    if (tls.ca() != null) {
      b.trustManager(TlsFiles.certificates(Path.of(tls.ca()), AT + "ca").toArray(new X509Certificate[0]));
    }
    if (tls.mutual()) {
      List<X509Certificate> chain = TlsFiles.certificates(Path.of(tls.certificate()), AT + "certificate");
      PrivateKey key = TlsFiles.privateKey(Path.of(tls.key()), AT + "key");
      TlsFiles.ensurePair(key, chain.get(0), AT);
      b.keyManager(key, chain.toArray(new X509Certificate[0]));
    }
    try {
      return b.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("temporal.tls: the files cannot be used for TLS (" + e.getMessage()
          + "): give PEM certificates and an RSA or EC key", e);
    }
  }
}
