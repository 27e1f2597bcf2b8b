package dev.runbook.starter.api;

import dev.runbook.workflows.policy.ConsoleLink;
import dev.runbook.workflows.policy.Person;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's pages: the one HTML shell, its script and style sheet (from the starter jar, no
 * build step), and the opening of one-time links. Every answer carries the console's own
 * Content-Security-Policy: scripts, styles and fetches from this origin only, nothing inline.
 */
final class ConsolePages {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
      + " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final Logger log = LoggerFactory.getLogger(ConsolePages.class);
  private static final String HTML = "text/html; charset=utf-8";

  private final ConsoleAccess access;
  private final ConsoleLinkUses uses;
  private final Duration sessionTtl;
  private final byte[] shell;
  private final byte[] script;
  private final byte[] style;

  ConsolePages(ConsoleAccess access, ConsoleLinkUses uses, Duration sessionTtl) throws IOException {
    this.access = access;
    this.uses = uses;
    this.sessionTtl = sessionTtl;
    this.shell = resource("console/index.html");
    this.script = resource("console/console.js");
    this.style = resource("console/console.css");
  }

  /** Adds the console's headers to any answer under /console. */
  static Response secured(Response r) {
    return r.withHeader("Content-Security-Policy", CSP);
  }

  Response shell(Call call) {
    return new Response(200, HTML, shell, Map.of());
  }

  Response script(Call call) {
    return new Response(200, "text/javascript; charset=utf-8", script, Map.of());
  }

  Response style(Call call) {
    return new Response(200, "text/css; charset=utf-8", style, Map.of());
  }

  /**
   * Opens a one-time link: checks its signature, expiry and person, records its nonce (a second
   * opening is refused saying when the first was), then gives a session for that run only and
   * redirects to the run's clean URL, so the token stays out of the address bar and history.
   */
  Response openLink(Call call) {
    String token = call.param("token");
    Instant now = access.clock().instant();
    ConsoleLink link = ConsoleLink.parse(access.keys(), token);
    if (link == null) {
      return page(404, "This link is not valid", "The link is damaged or was made for another runbook"
          + " installation. Sign in with your API token instead, or ask for a new link.");
    }
    if (!now.isBefore(link.expiresAt())) {
      return page(410, "This link has expired", "It worked until " + time(link.expiresAt()) + ". Sign in with"
          + " your API token instead, or ask for a new link (approvers get one with each approval request).");
    }
    Person p = access.auth().person(link.person());
    if (p == null) {
      return page(403, "This link is refused", link.person() + " is no longer under people in the configuration,"
          + " so their links no longer work.");
    }
    Optional<Instant> used = uses.use(link.nonce(), link.workflowId(), link.person(), now);
    if (used.isPresent()) {
      return page(410, "This link was used already", "It was opened at " + time(used.get()) + ": a link works"
          + " once. Sign in with your token or ask for a new link.");
    }
    ConsoleSession s = ConsoleSession.open(p.name(), link.workflowId(), now, sessionTtl);
    log.info("console: {} opened a one-time link for {}", p.name(), link.workflowId());
    return new Response(303, HTML, new byte[0], Map.of(
        "Location", "/console/runs/" + link.workflowId(),
        "Set-Cookie", s.cookie(access.keys(), access.secure(), now)));
  }

  private static Response page(int status, String title, String text) {
    String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + escape(title) + " - runbook</title><link rel=\"stylesheet\" href=\"/console/console.css\">"
        + "</head><body><main class=\"notice\"><h1 id=\"notice-title\">" + escape(title) + "</h1><p id=\"notice-text\">"
        + escape(text) + "</p><p><a class=\"button\" href=\"/console\">Sign in</a></p></main></body></html>";
    return new Response(status, HTML, html.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ConsolePages.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the starter jar");
      }
      return in.readAllBytes();
    }
  }
}
