package dev.runbook.starter.api;

import dev.runbook.workflows.policy.Signed;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A console sign-in, carried whole in a signed cookie so any API server sharing the console secret
 * accepts it without a session store. It holds the person's name (never their token), the one run
 * a one-time link limits it to (or none), its expiry and the CSRF secret every vote must echo.
 *
 * @param person who signed in
 * @param run the only run this session may see and act on, or null for all
 * @param expiresAt when it ends
 * @param csrf the value the X-CSRF-Token header must carry on every state-changing request
 */
record ConsoleSession(String person, String run, Instant expiresAt, String csrf) {
  static final String COOKIE = "runbook_console";
  static final String PURPOSE = "runbook-console-session-v1";
  private static final SecureRandom RANDOM = new SecureRandom();

  static ConsoleSession open(String person, String run, Instant now, Duration ttl) {
    byte[] csrf = new byte[24];
    RANDOM.nextBytes(csrf);
    return new ConsoleSession(person, run, now.plus(ttl), Base64.getUrlEncoder().withoutPadding().encodeToString(csrf));
  }

  String sign(Signed keys) {
    return keys.sign(PURPOSE, List.of(person, run == null ? "" : run, Long.toString(expiresAt.getEpochSecond()), csrf));
  }

  /** The session a Cookie header carries, or null (none, forged, or expired at {@code now}). */
  static ConsoleSession fromCookies(Signed keys, String cookieHeader, Instant now) {
    if (cookieHeader == null) {
      return null;
    }
    for (String part : cookieHeader.split(";")) {
      String c = part.trim();
      if (c.startsWith(COOKIE + "=")) {
        List<String> f = keys.verify(PURPOSE, c.substring(COOKIE.length() + 1), 4);
        if (f == null) {
          continue;
        }
        try {
          ConsoleSession s = new ConsoleSession(f.get(0), f.get(1).isEmpty() ? null : f.get(1),
              Instant.ofEpochSecond(Long.parseLong(f.get(2))), f.get(3));
          if (now.isBefore(s.expiresAt())) {
            return s;
          }
        } catch (NumberFormatException e) {
          // not ours
        }
      }
    }
    return null;
  }

  /** Whether a presented CSRF token is this session's (compared in constant time). */
  boolean csrfMatches(String presented) {
    return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
        presented.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether this session may see and act on {@code workflowId}. */
  boolean covers(String workflowId) {
    return run == null || run.equals(workflowId);
  }

  /** The Set-Cookie value that stores this session. */
  String cookie(Signed keys, boolean secure, Instant now) {
    long maxAge = Math.max(0, Duration.between(now, expiresAt).toSeconds());
    return COOKIE + "=" + sign(keys) + "; Path=/console; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  /** The Set-Cookie value that ends a session. */
  static String cleared(boolean secure) {
    return COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }

  @Override
  public String toString() {
    return "ConsoleSession[" + person + (run == null ? "" : " on " + run) + " until " + expiresAt + "]";
  }
}
