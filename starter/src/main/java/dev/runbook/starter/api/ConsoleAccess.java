package dev.runbook.starter.api;

import dev.runbook.workflows.model.Validation;
import dev.runbook.workflows.policy.Person;
import dev.runbook.workflows.policy.Signed;
import java.time.Clock;

/**
 * Who a console request comes from, and whether a state-changing one may act: the signed session
 * cookie names the person (looked up again among the configured people, so someone removed loses
 * access at once), and every POST must carry the session's CSRF token in {@code X-CSRF-Token} and,
 * when the browser says where it comes from, come from the console's own origin.
 */
final class ConsoleAccess {
  static final String CSRF_HEADER = "X-CSRF-Token";

  /** A signed-in caller: the session and the person as configured now. */
  record Caller(ConsoleSession session, Person person) {}

  private final Signed keys;
  private final TokenAuth auth;
  private final Clock clock;
  private final String scheme;
  private final String publicOrigin;

  /**
   * @param scheme how this server is reached directly ("http" or "https")
   * @param publicUrl the console's public base URL (behind a proxy), or null
   */
  ConsoleAccess(Signed keys, TokenAuth auth, Clock clock, String scheme, String publicUrl) {
    this.keys = keys;
    this.auth = auth;
    this.clock = clock;
    this.scheme = scheme;
    this.publicOrigin = publicUrl == null ? null : origin(publicUrl);
  }

  /** The signed-in caller, or a 401 telling the page to sign in. */
  Caller caller(Call call) {
    ConsoleSession s = ConsoleSession.fromCookies(keys, call.header("Cookie"), clock.instant());
    if (s == null) {
      throw new ApiError(401, "signed_out", "sign in with your API token (or open a new link from the approval"
          + " notification)");
    }
    Person p = auth.person(s.person());
    if (p == null) {
      throw new ApiError(403, "unknown_person", s.person() + " is no longer under people: this session ended");
    }
    return new Caller(s, p);
  }

  /** The signed-in caller of a state-changing request: also its CSRF token and origin checked. */
  Caller actor(Call call) {
    sameOrigin(call);
    Caller c = caller(call);
    if (!c.session().csrfMatches(call.header(CSRF_HEADER))) {
      throw new ApiError(403, "csrf", "the request lacks this session's " + CSRF_HEADER
          + " header: reload the console and try again");
    }
    return c;
  }

  /**
   * Refuses a request a browser says came from another site: Sec-Fetch-Site other than same-origin,
   * or an Origin that is neither this server's nor the configured public URL's.
   */
  void sameOrigin(Call call) {
    String site = call.header("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      throw new ApiError(403, "cross_origin", "the console refuses requests from other sites (Sec-Fetch-Site: "
          + Validation.printable(site) + ")");
    }
    String origin = call.header("Origin");
    if (origin == null) {
      return;
    }
    String host = call.header("Host");
    boolean own = host != null && origin.equals(scheme + "://" + host);
    if (!own && !origin.equals(publicOrigin)) {
      throw new ApiError(403, "cross_origin", "the console refuses requests from another origin ("
          + Validation.printable(origin) + ")");
    }
  }

  /** Whether cookies must be marked Secure: served over TLS, directly or behind the public URL. */
  boolean secure() {
    return scheme.equals("https") || (publicOrigin != null && publicOrigin.startsWith("https://"));
  }

  Signed keys() {
    return keys;
  }

  Clock clock() {
    return clock;
  }

  TokenAuth auth() {
    return auth;
  }

  private static String origin(String url) {
    java.net.URI u = java.net.URI.create(url);
    return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
  }
}
