package dev.runbook.worker.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A headless Chromium driven over the W3C WebDriver protocol: Debian's chromium and
 * chromium-driver, a chromedriver child process on a free loopback port, and a few commands over
 * java.net.http (open a URL, find by CSS, click, type, read text, screenshot). Enough for the
 * console's tests without a WebDriver library.
 */
public final class Browser implements AutoCloseable {
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  public static final String CHROMIUM = "/usr/bin/chromium";
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Process driver;
  private final String base;
  private final String session;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** Starts chromedriver and a headless Chromium emulating a phone whose viewport is {@code width} x {@code height}. */
  public Browser(int width, int height, Path log) throws IOException, InterruptedException {
    this(width, height, log, true);
  }

  /** A desktop-sized window (no phone emulation), for pages made for desktops such as Temporal UI. */
  public static Browser desktop(int width, int height, Path log) throws IOException, InterruptedException {
    return new Browser(width, height, log, false);
  }

  private Browser(int width, int height, Path log, boolean phone) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    driver = new ProcessBuilder(CHROMEDRIVER, "--port=" + port, "--allowed-ips=127.0.0.1")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    base = "http://127.0.0.1:" + port;
    try {
      awaitReady();
      Map<String, Object> chrome = new java.util.LinkedHashMap<>();
      chrome.put("binary", CHROMIUM);
      if (phone) {
        // A headless window is at least 500 pixels wide: the phone's viewport is emulated.
        chrome.put("mobileEmulation", Map.of("deviceMetrics", Map.of("width", width, "height", height, "pixelRatio", 1.0)));
      }
      chrome.put("args", List.of("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
          "--window-size=" + Math.max(width, 500) + "," + height, "--hide-scrollbars"));
      JsonNode created = send("POST", "/session", Map.of("capabilities", Map.of("alwaysMatch", Map.of(
          "browserName", "chrome", "goog:chromeOptions", chrome))));
      session = created.path("value").path("sessionId").asText();
      if (!phone) {
        // The window's size includes what headless Chromium reserves around the page: set the viewport itself.
        command("POST", "/goog/cdp/execute", Map.of("cmd", "Emulation.setDeviceMetricsOverride", "params",
            Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false)));
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      driver.destroy();
      throw e;
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (send("GET", "/status", null).path("value").path("ready").asBoolean()) {
          return;
        }
      } catch (IOException notYet) {
        // chromedriver is still starting
      }
      if (!driver.isAlive()) {
        throw new IOException("chromedriver exited with " + driver.exitValue());
      }
      Thread.sleep(100);
    }
    throw new IOException("chromedriver did not become ready within " + WAIT.toSeconds() + "s");
  }

  public void open(String url) {
    command("POST", "/url", Map.of("url", url));
  }

  public String url() {
    return command("GET", "/url", null).asText();
  }

  /** The first element matching {@code css}, waiting for it to exist. */
  public String find(String css) {
    return await("an element " + css, () -> {
      JsonNode r = sendQuiet("POST", "/session/" + session + "/element", Map.of("using", "css selector", "value", css));
      return r == null ? null : r.path("value").path(ELEMENT).asText(null);
    });
  }

  /**
   * Clicks the element: scrolls it into view and dispatches the click on it in the page (the same
   * click event and handlers a tap gives). Not WebDriver's pointer click: under the phone-sized
   * mobile emulation chromedriver places pointer clicks off target once the page scrolls.
   */
  public void click(String css) {
    String e = find(css);
    command("POST", "/execute/sync", Map.of("script",
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
        "args", List.of(Map.of(ELEMENT, e))));
  }

  public void type(String css, String text) {
    String e = find(css);
    command("POST", "/element/" + e + "/clear", Map.of());
    command("POST", "/element/" + e + "/value", Map.of("text", text));
  }

  /** The element's rendered text ("" when hidden). */
  public String text(String css) {
    return command("GET", "/element/" + find(css) + "/text", null).asText();
  }

  /**
   * Waits until the element's rendered text satisfies {@code test}; returns that text. An element
   * replaced meanwhile (the page re-rendered or navigated) is looked up again.
   */
  public String awaitText(String css, Predicate<String> test, String what) {
    String[] last = {""};
    try {
      return await(css + " " + what, () -> {
        JsonNode r = sendQuiet("GET", "/session/" + session + "/element/" + find(css) + "/text", null);
        if (r == null) {
          return null;
        }
        last[0] = r.path("value").asText();
        return test.test(last[0]) ? last[0] : null;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last text: " + last[0], e);
    }
  }

  /** Saves a PNG of the viewport. */
  public void screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(command("GET", "/screenshot", null).asText()));
  }

  /** Scrolls the element to the top of the viewport (before a screenshot). */
  public void scrollTo(String css) {
    script("document.querySelector('" + css.replace("'", "\\'") + "').scrollIntoView()");
  }

  /** Runs a script in the page and returns its value (tests read layout facts with it). */
  public JsonNode script(String body) {
    return command("POST", "/execute/sync", Map.of("script", body, "args", List.of()));
  }

  private interface Attempt<T> {
    T get() throws IOException, InterruptedException;
  }

  private static <T> T await(String what, Attempt<T> attempt) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (true) {
        T value = attempt.get();
        if (value != null) {
          return value;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("waited " + WAIT.toSeconds() + "s for " + what);
        }
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonNode command(String method, String path, Object body) {
    try {
      return send(method, "/session/" + session + path, body).path("value");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The answer, or null when WebDriver answered with an error (e.g. no such element yet). */
  private JsonNode sendQuiet(String method, String path, Object body) throws IOException, InterruptedException {
    HttpResponse<String> r = exchange(method, path, body);
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }

  private JsonNode send(String method, String path, Object body) throws IOException, InterruptedException {
    HttpResponse<String> r = exchange(method, path, body);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("WebDriver " + method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> exchange(String method, String path, Object body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        exchange("DELETE", "/session/" + session, null);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the driver goes anyway
    } finally {
      driver.destroy();
      try {
        driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
