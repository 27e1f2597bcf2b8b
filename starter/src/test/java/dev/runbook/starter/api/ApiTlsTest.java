package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.starter.client.RunbookException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over HTTPS with a certificate made for the test: PEM files or a PKCS12 keystore. */
class ApiTlsTest {
  @TempDir static Path dir;
  private static TestCertificates certs;
  private static TestCertificates other;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.create(dir, "api");
    other = TestCertificates.create(dir, "other");
  }

  @Test
  void answersOverHttpsWithTheSecurityHeadersAndRefusesPlainHttp() throws Exception {
    try (BareApi api = BareApi.start(BareApi.settings(2).withTls(certs.pem()), () -> "up 1\n")) {
      assertThat(api.server.scheme()).isEqualTo("https");
      HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .sslContext(ApiClient.trusting(certs.certificatePem())).build();

      HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(api.url("/healthz")))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("ok");
      assertThat(r.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
      assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");

      HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + api.port() + "/healthz")).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aKeystoreServesTheCliThatTrustsTheConfiguredCaAndOnlyThat() throws Exception {
    try (BareApi api = BareApi.start(BareApi.settings(2).withTls(certs.pkcs12()), () -> "up 1\n")) {
      URI base = URI.create(api.url("/"));
      ApiClient.Credentials creds = new ApiClient.Credentials("any", false, null);

      ApiWire trusting = new ApiWire(base, creds, ApiClient.trusting(certs.certificatePem()));
      assertThat(trusting.send("GET", "/healthz", null, null).path("status").asText()).isEqualTo("ok");

      ApiWire systemTrust = new ApiWire(base, creds, ApiClient.trusting(null));
      assertThatThrownBy(() -> systemTrust.send("GET", "/healthz", null, null))
          .isInstanceOf(RunbookException.Unavailable.class)
          .hasMessageContaining("is not trusted")
          .hasMessageContaining("api.tls.ca");

      ApiWire wrongCa = new ApiWire(base, creds, ApiClient.trusting(other.certificatePem()));
      assertThatThrownBy(() -> wrongCa.send("GET", "/healthz", null, null))
          .isInstanceOf(RunbookException.Unavailable.class)
          .hasMessageContaining("is not trusted");
    }
  }

  @Test
  void plainHttpAnswersCarryTheSecurityHeadersWithoutHsts() throws Exception {
    try (BareApi api = BareApi.start(BareApi.settings(2), () -> "up 1\n")) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url("/healthz")))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");
      assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }
  }

  @Test
  void missingUnreadableAndMismatchedFilesAreRefusedNamingThePathAndTheFix() throws Exception {
    Path missing = dir.resolve("nowhere.pem");
    assertThat(new ApiTls(certs.certificatePem().toString(), missing.toString(), null, null, null).fileProblems("api.tls."))
        .singleElement().asString()
        .startsWith("api.tls.key: " + missing + " does not exist")
        .contains("give the path");

    assertThat(new ApiTls(certs.certificatePem().toString(), other.keyPem().toString(), null, null, null)
        .fileProblems("api.tls."))
        .singleElement().asString()
        .startsWith("api.tls.key: it is not the key of the certificate");

    Path pkcs1 = dir.resolve("old-key.pem");
    Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    assertThat(new ApiTls(certs.certificatePem().toString(), pkcs1.toString(), null, null, null).fileProblems("api.tls."))
        .singleElement().asString()
        .contains("PKCS#1")
        .contains("openssl pkcs8 -topk8 -nocrypt");

    List<String> wrongPassword = new ApiTls(null, null, certs.keystore().toString(), "not-the-password", null)
        .fileProblems("api.tls.");
    assertThat(wrongPassword).singleElement().asString()
        .startsWith("api.tls.keystore: " + certs.keystore() + " does not open with api.tls.password")
        .doesNotContain("not-the-password");

    assertThat(new ApiTls(null, null, certs.keystore().toString(), null, null).problems("api.tls."))
        .containsExactly("api.tls.password: is required with keystore: give it as ${ENV_VAR}, never in the file");
    assertThat(new ApiTls(certs.certificatePem().toString(), certs.keyPem().toString(), certs.keystore().toString(),
        "x", null).problems("api.tls."))
        .singleElement().asString().contains("not both");
    assertThat(new ApiTls(certs.certificatePem().toString(), certs.keyPem().toString(), null, null,
        certs.keyPem().toString()).fileProblems("api.tls."))
        .singleElement().asString().startsWith("api.tls.ca: " + certs.keyPem() + " holds no readable certificate");

    assertThat(certs.pem().problems("api.tls.")).isEmpty();
    assertThat(certs.pem().fileProblems("api.tls.")).isEmpty();
    assertThat(certs.pkcs12().problems("api.tls.")).isEmpty();
    assertThat(certs.pkcs12().fileProblems("api.tls.")).isEmpty();
  }

  @Test
  void theServerRefusesToStartWithBrokenTls() {
    ApiSettings broken = BareApi.settings(2).withTls(
        new ApiTls(certs.certificatePem().toString(), dir.resolve("gone.pem").toString(), null, null, null));
    assertThatThrownBy(() -> BareApi.start(broken, () -> ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("api.tls.key: " + dir.resolve("gone.pem") + " does not exist");
  }
}
