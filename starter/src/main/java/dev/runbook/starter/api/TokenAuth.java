package dev.runbook.starter.api;

import dev.runbook.workflows.policy.Person;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds the person a bearer token belongs to. The presented token is hashed once and compared
 * with every configured hash in constant time, without stopping at a match, so the answer time
 * does not tell which entry (or how much of a hash) matched. The token is never logged or echoed.
 */
final class TokenAuth {
  /** RFC 6750 b64token, capped: real tokens are 43 characters. */
  private static final Pattern BEARER = Pattern.compile("Bearer +([A-Za-z0-9._~+/-]{1,512}=*) *", Pattern.CASE_INSENSITIVE);
  private static final String CHALLENGE = "Bearer realm=\"runbook\"";

  private record Entry(Person person, byte[] hash) {}

  private final List<Entry> entries;

  TokenAuth(List<ApiSettings.PersonEntry> people) {
    this.entries = people.stream()
        .map(p -> new Entry(p.person(), HexFormat.of().parseHex(p.tokenSha256().toLowerCase(Locale.ROOT))))
        .toList();
  }

  /** The caller, or a 401 with the {@code WWW-Authenticate} challenge. */
  Person authenticate(String authorization) {
    if (authorization == null) {
      throw unauthorized("send Authorization: Bearer <token> (create one with `runbook token new`)", CHALLENGE);
    }
    var m = BEARER.matcher(authorization);
    if (!m.matches()) {
      throw unauthorized("the Authorization header is not 'Bearer <token>'",
          CHALLENGE + ", error=\"invalid_request\"");
    }
    byte[] presented = Tokens.sha256(m.group(1));
    Person found = null;
    for (Entry e : entries) {
      boolean same = MessageDigest.isEqual(e.hash(), presented);
      found = same ? e.person() : found;
    }
    if (found == null) {
      throw unauthorized("the token is not known: ask for one with `runbook token new`",
          CHALLENGE + ", error=\"invalid_token\"");
    }
    return found;
  }

  private static ApiError unauthorized(String message, String challenge) {
    return new ApiError(401, "unauthorized", message).header("WWW-Authenticate", challenge);
  }
}
