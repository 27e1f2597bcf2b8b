package dev.runbook.starter.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.RefusalKind;
import dev.runbook.workflows.model.RunbookType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * One exchange with the HTTP API, from the caller's side: the bearer token and the acting
 * person on the way out, the API's error answer as the {@link RunbookException} the CLI
 * documents on the way back. The token is never put in a message.
 *
 * <p>Each exchange is one blocking {@link HttpURLConnection} in the caller's thread: a command
 * that answers and exits sets up no TLS for a plain http API and leaves no selector thread in
 * native code for the JVM's exit to wait on (java.net.http's client cost a command about half a
 * second of its one-second life that way).
 */
final class ApiWire {
  static final ObjectMapper READ = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new SimpleModule("runbook-labels").addDeserializer(RunbookType.class, new RunbookTypeReader()))
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /** An answer: its status and its JSON body (empty object when there was none). */
  record Answer(int status, JsonNode body) {}

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI base;
  private final ApiClient.Credentials credentials;
  private final SSLContext tls;
  private volatile String workersConfig;

  ApiWire(URI base, ApiClient.Credentials credentials) {
    this(base, credentials, null);
  }

  /** @param tls what an https API is trusted by; null: the system trust store */
  ApiWire(URI base, ApiClient.Credentials credentials, SSLContext tls) {
    this.base = base;
    this.credentials = credentials;
    this.tls = tls;
  }

  URI base() {
    return base;
  }

  /** The fingerprint of the configuration the workers run, as the last answer said; null before one. */
  String workersConfig() {
    return workersConfig;
  }

  /** The body of a 2xx answer; any other is thrown. */
  JsonNode send(String method, String path, JsonNode body, String person) {
    return exchange(method, path, body, person).body();
  }

  Answer exchange(String method, String path, JsonNode body, String person) {
    return exchange(method, path, body, person, Duration.ofSeconds(30));
  }

  Answer exchange(String method, String path, JsonNode body, String person, Duration timeout) {
    // An act names who acts (in a local dev, whoever this user says, by default their own name);
    // a read needs no name.
    boolean act = !method.equals("GET");
    String as = person != null ? person : act && credentials.localDev() ? credentials.defaultPerson() : null;
    int status;
    byte[] answerBody;
    try {
      // No proxy, as the API is reached directly (java.net.http's default too).
      HttpURLConnection c = (HttpURLConnection) base.resolve(path).toURL().openConnection(Proxy.NO_PROXY);
      if (tls != null && c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(tls.getSocketFactory());
      }
      c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout((int) timeout.toMillis());
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setRequestMethod(method);
      c.setRequestProperty("Authorization", "Bearer " + credentials.token());
      c.setRequestProperty("Accept", "application/json");
      if (as != null) {
        c.setRequestProperty(ApiClient.AS_HEADER, as);
      }
      if (body != null || act) {
        byte[] out = body == null ? new byte[0] : Json.write(body);
        if (body != null) {
          c.setRequestProperty("Content-Type", "application/json");
        }
        // Buffered, not streamed: a streamed request cannot read the body of a 401 (its challenge
        // makes the connection give up), and the API's answer says what to do.
        c.setDoOutput(true);
        try (OutputStream o = c.getOutputStream()) {
          o.write(out);
        }
      }
      status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        answerBody = in == null ? new byte[0] : in.readAllBytes();
      }
      String config = c.getHeaderField(ApiClient.CONFIG_HEADER);
      if (config != null) {
        workersConfig = config;
      }
    } catch (ConnectException | SocketTimeoutException e) {
      throw new RunbookException.Unavailable("the runbook API at " + base + " cannot be reached (" + e.getClass().getSimpleName()
          + "): start `runbook dev`, or point RUNBOOK_API_URL at a running `runbook serve`");
    } catch (javax.net.ssl.SSLHandshakeException e) {
      throw new RunbookException.Unavailable("the runbook API at " + base + " is not trusted (" + e.getMessage()
          + "): set api.tls.ca in the configuration to the CA that signed its certificate (or to the"
          + " certificate itself when it is self-signed)");
    } catch (IOException e) {
      throw new RunbookException.Unavailable("the runbook API at " + base + " failed to answer: " + e.getMessage());
    }
    JsonNode answer = parse(answerBody);
    if (status >= 400) {
      throw error(status, answer);
    }
    return new Answer(status, answer);
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return READ.createObjectNode();
    }
    try {
      return READ.readTree(body);
    } catch (IOException e) {
      throw new RunbookException.Unavailable("the runbook API answered something that is not JSON");
    }
  }

  /** The API's error answer as the exception (and exit code) the CLI documents. */
  static RunbookException error(int status, JsonNode answer) {
    String code = answer.path("error").asText("");
    String message = answer.path("message").asText("the API answered " + status);
    for (RefusalKind kind : RefusalKind.values()) {
      if (kind.name().toLowerCase(java.util.Locale.ROOT).equals(code)) {
        return new RunbookException.Refused(kind, message);
      }
    }
    return switch (status) {
      case 401 -> new RunbookException.Refused(RefusalKind.UNKNOWN_PERSON, message);
      case 403 -> new RunbookException.Refused(RefusalKind.WRONG_ROLE, message);
      case 404 -> new RunbookException.UnknownRun(answer.path("workflowId").asText("?"), message);
      case 409 -> code.equals("already_running")
          ? new RunbookException.Conflict(answer.path("workflowId").asText(null), message)
          : new RunbookException.Refused(RefusalKind.NOT_WAITING, message);
      case 422 -> code.equals("import_refused")
          ? new RunbookException.ImportRefused(message) : new RunbookException.StartRefused(message);
      case 503 -> new RunbookException.Unavailable(message);
      default -> status >= 500 ? new RunbookException.Unavailable(message) : new RunbookException.InvalidRequest(message);
    };
  }

  static <T> T read(JsonNode node, Class<T> type) {
    try {
      return READ.treeToValue(node, type);
    } catch (IOException e) {
      throw new RunbookException.Unavailable("the runbook API's answer could not be read as " + type.getSimpleName()
          + ": " + e.getMessage());
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A limit the API accepts: 1 to its maximum. */
  static int limit(int asked) {
    return Math.max(1, Math.min(asked, RunsApi.MAX_LIMIT));
  }

  private static final class RunbookTypeReader extends StdDeserializer<RunbookType> {
    private static final long serialVersionUID = 1L;

    RunbookTypeReader() {
      super(RunbookType.class);
    }

    @Override
    public RunbookType deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return RunbookType.parse(p.getValueAsString());
    }
  }
}
