package dev.runbook.starter.api;

import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Signed;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The approval console's settings ({@code api.console} in runbook.yaml).
 *
 * @param secret signs sessions and one-time links; every API server and worker that must accept
 *     what another issued shares it (e.g. {@code ${RUNBOOK_CONSOLE_SECRET}}). Unset: a random key
 *     per API process, so sessions end with the process and no links are minted
 * @param url the console's public base URL (e.g. https://runbook.example.com), where links point;
 *     links are minted only when it and the secret are set
 * @param linkTtl how long a one-time link works (default 30 minutes)
 * @param sessionTtl how long a console sign-in lasts (default 12 hours)
 */
public record ConsoleSettings(String secret, String url, Duration linkTtl, Duration sessionTtl) {
  public static final Duration DEFAULT_LINK_TTL = Duration.ofMinutes(30);
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);
  public static final Duration MAX_LINK_TTL = Duration.ofDays(1);
  public static final Duration MAX_SESSION_TTL = Duration.ofDays(1);

  public ConsoleSettings {
    linkTtl = linkTtl == null ? DEFAULT_LINK_TTL : linkTtl;
    sessionTtl = sessionTtl == null ? DEFAULT_SESSION_TTL : sessionTtl;
  }

  /** No section: a per-process key, no links. */
  public static ConsoleSettings none() {
    return new ConsoleSettings(null, null, null, null);
  }

  /** Whether one-time links can be minted and accepted across processes. */
  public boolean linksEnabled() {
    return secret != null && !secret.isBlank() && url != null && !url.isBlank();
  }

  /** The configured key, or a random one for this process (sessions then end with it). */
  public Signed keys() {
    if (secret != null && !secret.isBlank()) {
      return new Signed(secret.getBytes(StandardCharsets.UTF_8));
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return new Signed(random);
  }

  /** Everything wrong, each naming its path under {@code at} (e.g. "api.console."). */
  public List<String> problems(String at) {
    List<String> p = new ArrayList<>();
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < Signed.MIN_SECRET) {
      p.add(at + "secret: is " + (secret.isBlank() ? "empty" : "too short") + ": use at least " + Signed.MIN_SECRET
          + " random characters (e.g. a token from `runbook token new`), from the environment: ${RUNBOOK_CONSOLE_SECRET}");
    }
    if (url != null) {
      URI uri = null;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        // named below
      }
      if (uri == null || uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getQuery() != null || uri.getFragment() != null) {
        p.add(at + "url: '" + Validation.printable(url) + "' is not a base URL: use the console's public address,"
            + " e.g. https://runbook.example.com");
      } else if (secret == null) {
        p.add(at + "url: one-time links need a shared secret too: set " + at + "secret (${RUNBOOK_CONSOLE_SECRET}),"
            + " the same for every worker and API server");
      }
    }
    range(at + "linkTtl", linkTtl, MAX_LINK_TTL, DEFAULT_LINK_TTL, p);
    range(at + "sessionTtl", sessionTtl, MAX_SESSION_TTL, DEFAULT_SESSION_TTL, p);
    return p;
  }

  private static void range(String path, Duration value, Duration max, Duration fallback, List<String> p) {
    if (value.compareTo(Duration.ofMinutes(1)) < 0 || value.compareTo(max) > 0) {
      p.add(path + ": " + value.toMinutes() + "m is out of range: use 1m to " + max.toHours() + "h (default "
          + fallback.toMinutes() + "m)");
    }
  }

  @Override
  public String toString() {
    return "ConsoleSettings[secret=" + (secret == null ? "unset" : "set") + ", url=" + url + ", linkTtl=" + linkTtl
        + ", sessionTtl=" + sessionTtl + "]";
  }
}
