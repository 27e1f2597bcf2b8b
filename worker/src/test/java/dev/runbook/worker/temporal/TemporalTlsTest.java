package dev.runbook.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runbook.starter.api.TestCertificates;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.worker.config.TemporalTls;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * temporal.tls against a Temporal frontend that serves TLS and asks for a client certificate (the
 * Java test server's services behind a TLS gRPC server): the client that trusts the server's CA and
 * presents its own certificate gets through; a wrong CA, no client certificate, another server name
 * or plaintext are refused, and the error names the setting to fix.
 */
class TemporalTlsTest {
  @TempDir static Path dir;
  private static TestCertificates server;
  private static TestCertificates client;
  private static TestCertificates stranger;
  private static TestServicesStarter services;
  private static Server frontend;
  private static String address;

  @BeforeAll
  static void start() throws Exception {
    server = TestCertificates.create(dir, "temporal");
    client = TestCertificates.create(dir, "worker");
    stranger = TestCertificates.create(dir, "stranger");
    services = new TestServicesStarter(true, 0);
    ServerBuilder<?> b = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .sslContext(GrpcSslContexts.forServer(server.certificatePem().toFile(), server.keyPem().toFile())
            .trustManager(client.certificatePem().toFile())
            .clientAuth(ClientAuth.REQUIRE)
            .build());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), b);
    frontend = b.build().start();
    address = "127.0.0.1:" + frontend.getPort();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    frontend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    services.close();
  }

  private static TemporalTls mutual(Path ca, String serverName) {
    return new TemporalTls(ca.toString(), client.certificatePem().toString(), client.keyPem().toString(), serverName);
  }

  private static Throwable connecting(TemporalTls tls) {
    try (TemporalConnection c = TemporalConnection.connect(address, "default", null, tls)) {
      return catchThrowable(c::ensureSearchAttributes);
    }
  }

  @Test
  void aClientThatTrustsTheServersCaAndPresentsItsCertificateGetsThrough() {
    try (TemporalConnection c = TemporalConnection.connect(address, "default", null, mutual(server.certificatePem(), null))) {
      c.ensureSearchAttributes();
      assertThat(c.service().blockingStub().describeNamespace(
          DescribeNamespaceRequest.newBuilder().setNamespace("default").build()).getNamespaceInfo().getName())
          .isEqualTo("default");
      assertThat(c.reachable()).isTrue();
    }
  }

  @Test
  void theServerNameOnTheCertificateIsCheckedAndCanBeGivenWhenTheAddressDiffers() {
    assertThat(connecting(mutual(server.certificatePem(), "localhost"))).isNull();
    assertThat(connecting(mutual(server.certificatePem(), "temporal.example.net")))
        .isInstanceOf(RunbookException.Unavailable.class)
        .hasMessageContaining("refused the TLS connection").hasMessageContaining("temporal.tls.serverName");
  }

  @Test
  void aServerCertificateTheConfiguredCaDidNotSignIsRefusedNamingTheSetting() {
    Throwable t = connecting(mutual(stranger.certificatePem(), null));
    assertThat(t).isInstanceOf(RunbookException.Unavailable.class)
        .hasMessageStartingWith("Temporal at " + address + " refused the TLS connection")
        .hasMessageContaining("temporal.tls.ca");
    assertThat(((RunbookException) t).exitCode()).isEqualTo(6);
  }

  @Test
  void withoutAClientCertificateOrWithoutTlsTheServerLetsNothingThrough() {
    assertThat(connecting(new TemporalTls(server.certificatePem().toString(), null, null, null)))
        .isInstanceOf(RunbookException.Unavailable.class);
    assertThat(connecting(null)).isInstanceOf(RunbookException.Unavailable.class);
  }

  @Test
  void badFilesStopTheConnectionAtOnceNamingTheSettingAndNeverTheKey() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.txt"), "not a certificate");
    assertThat(catchThrowable(() -> TemporalConnection.connect(address, "default", null,
        mutual(notPem, null)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("temporal.tls.ca: " + notPem + " holds no readable certificate");

    TemporalTls swapped = new TemporalTls(server.certificatePem().toString(), client.certificatePem().toString(),
        stranger.keyPem().toString(), null);
    Throwable wrongKey = catchThrowable(() -> TemporalConnection.connect(address, "default", null, swapped));
    assertThat(wrongKey).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("temporal.tls.key: it is not the key of the certificate in temporal.tls.certificate");
    String key = Files.readString(stranger.keyPem());
    assertThat(wrongKey.getMessage()).doesNotContain(key.lines().skip(1).findFirst().orElseThrow());
  }
}
