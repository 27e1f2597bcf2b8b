package dev.runbook.activities.demo;

import dev.runbook.activities.config.DotEnv;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The small real service the demo rolls back, and the one the process adapter's tests start and
 * stop. It answers {@code GET /health} and {@code GET /version} on 127.0.0.1 and needs only the
 * JDK, so it can be started from the activities jar alone:
 *
 * <pre>
 * java -cp &lt;classpath&gt; dev.runbook.activities.demo.SampleService --port 8081 --version v2
 *     [--unhealthy] [--unhealthy-file PATH] [--env-file PATH] [--bad-versions V1,V2] [--start-delay-ms MS]
 * </pre>
 *
 * <p>{@code --bad-versions} names releases known to be bad: started as one of them, {@code /health}
 * answers 503 (what a rollback drill deploys on staging to break it). {@code --start-delay-ms}
 * makes it take that long before it listens, as a slow service does.
 *
 * <p>{@code --unhealthy} makes {@code /health} answer 503 from the start (a bad release); {@code
 * --unhealthy-file} makes it answer 503 while that file exists, so a test can make a running
 * service flap. {@code --env-file} is its configuration, read once at start as an application
 * reads its {@code .env}: a {@code PAYMENTS_URL} that is not an http(s) URL (a bad variable) makes
 * {@code /health} answer 503 until it is started again with a good one. It prints one startup
 * line (never a value) and nothing else, and stops on SIGTERM.
 */
public final class SampleService {
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

  private final HttpServer server;

  private SampleService(HttpServer server) {
    this.server = server;
  }

  /**
   * The options of one run, parsed from the command line.
   *
   * @param config the variables of {@code --env-file}, read at start (empty without one)
   */
  record Options(int port, String version, boolean unhealthy, Path unhealthyFile, Map<String, String> config,
      java.util.Set<String> badVersions, long startDelayMillis) {
    Options(int port, String version, boolean unhealthy, Path unhealthyFile) {
      this(port, version, unhealthy, unhealthyFile, Map.of());
    }

    Options(int port, String version, boolean unhealthy, Path unhealthyFile, Map<String, String> config) {
      this(port, version, unhealthy, unhealthyFile, config, java.util.Set.of(), 0);
    }

    static Options parse(String[] args) {
      Integer port = null;
      String version = null;
      boolean unhealthy = false;
      Path unhealthyFile = null;
      Map<String, String> config = Map.of();
      java.util.Set<String> badVersions = java.util.Set.of();
      long startDelay = 0;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
          case "--version" -> version = value(args, ++i, "--version");
          case "--unhealthy" -> unhealthy = true;
          case "--unhealthy-file" -> unhealthyFile = Path.of(value(args, ++i, "--unhealthy-file"));
          case "--env-file" -> config = readEnv(Path.of(value(args, ++i, "--env-file")));
          case "--bad-versions" -> badVersions = java.util.Set.of(value(args, ++i, "--bad-versions").split(","));
          case "--start-delay-ms" -> startDelay = Long.parseLong(value(args, ++i, "--start-delay-ms"));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (port == null || port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port is required: a TCP port, 0 for any free one");
      }
      if (version == null || !VERSION.matcher(version).matches()) {
        throw new IllegalArgumentException("--version is required: letters, digits, . _ + -");
      }
      if (startDelay < 0) {
        throw new IllegalArgumentException("--start-delay-ms must be 0 or more");
      }
      return new Options(port, version, unhealthy, unhealthyFile, config, badVersions, startDelay);
    }

    private static Map<String, String> readEnv(Path file) {
      try {
        return DotEnv.parse(Files.readString(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("--env-file " + file + " cannot be read: " + e.getMessage());
      }
    }

    /** What is wrong with the configuration it read, or null. */
    String configProblem() {
      String url = config.get("PAYMENTS_URL");
      if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
        return "PAYMENTS_URL is not an http(s) URL";
      }
      return null;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    boolean healthy() {
      return !unhealthy && !badVersions.contains(version) && (unhealthyFile == null || !Files.exists(unhealthyFile)) && configProblem() == null;
    }
  }

  public static void main(String[] args) throws IOException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("SampleService: " + e.getMessage());
      System.err.println(
          "usage: SampleService --port PORT --version VERSION [--unhealthy]"
              + " [--unhealthy-file PATH] [--env-file PATH] [--bad-versions V1,V2] [--start-delay-ms MS]");
      System.exit(2);
      return;
    }
    if (options.startDelayMillis() > 0) {
      try {
        Thread.sleep(options.startDelayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    SampleService service = start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "sample-service-stop"));
    System.out.println(
        "SampleService " + options.version() + " listening on http://127.0.0.1:" + service.port()
            + (options.config().isEmpty() ? "" : " with " + options.config().size() + " variables from its env file"));
    System.out.flush();
  }

  static SampleService start(Options options) throws IOException {
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 50);
    server.createContext(
        "/health",
        exchange -> {
          boolean healthy = options.healthy();
          String problem = options.configProblem();
          answer(exchange, healthy ? 200 : 503, healthy ? "{\"status\":\"ok\"}"
              : "{\"status\":\"unhealthy\"" + (problem == null ? "" : ",\"problem\":\"" + problem + "\"") + "}");
        });
    server.createContext(
        "/version",
        exchange -> answer(exchange, 200, "{\"version\":\"" + options.version() + "\"}"));
    server.createContext("/", exchange -> answer(exchange, 404, "{\"error\":\"not found\"}"));
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    return new SampleService(server);
  }

  int port() {
    return server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        status = 405;
        json = "{\"error\":\"only GET\"}";
      }
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
