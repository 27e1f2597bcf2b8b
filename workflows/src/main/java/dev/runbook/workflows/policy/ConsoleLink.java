package dev.runbook.workflows.policy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A one-time link into the approval console: valid for one run and one person until it expires,
 * and only once (the API server records the nonce when the link is opened). The approval
 * notification mints it; any API server sharing {@code api.console.secret} accepts it. The link is
 * a bearer credential: whoever has it may vote on that run as that person, so it goes only to a
 * channel that reaches that person alone and is never logged.
 *
 * @param workflowId the run the link is for
 * @param person the person it lets act
 * @param expiresAt when it stops working
 * @param nonce random, so each link is distinct and its use can be recorded
 */
public record ConsoleLink(String workflowId, String person, Instant expiresAt, String nonce) {
  /** What a link token is signed for: it is never accepted as anything else. */
  public static final String PURPOSE = "runbook-console-link-v1";
  /** Where the console opens a link, under its public base URL. */
  public static final String PATH = "/console/l/";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new link with a fresh nonce. */
  public static ConsoleLink mint(String workflowId, String person, Instant expiresAt) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return new ConsoleLink(workflowId, person, expiresAt, Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
  }

  /** The token that goes into the URL. */
  public String token(Signed keys) {
    return keys.sign(PURPOSE, List.of(workflowId, person, Long.toString(expiresAt.getEpochSecond()), nonce));
  }

  /** The full URL under the console's public base URL (a trailing slash there is fine). */
  public String url(String baseUrl, Signed keys) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return base + PATH + token(keys);
  }

  /** The link a token carries, or null when these keys did not sign it as a link. Expiry is the caller's to judge. */
  public static ConsoleLink parse(Signed keys, String token) {
    List<String> f = keys.verify(PURPOSE, token, 4);
    if (f == null) {
      return null;
    }
    try {
      return new ConsoleLink(f.get(0), f.get(1), Instant.ofEpochSecond(Long.parseLong(f.get(2))), f.get(3));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
