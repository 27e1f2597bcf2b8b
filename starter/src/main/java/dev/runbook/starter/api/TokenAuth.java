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

  /** Who reads through a local dev's secret without naming anyone: no roles, so no act. */
  static final Person LOCAL_READER = new Person("local-reader", List.of());

  private final List<Entry> entries;
  private final ApiServer.LocalDev localDev;
  private final byte[] localHash;

  /** @param localDev a local dev's secret and people, whose bearer may act as any of them; or null */
  TokenAuth(List<ApiSettings.PersonEntry> people, ApiServer.LocalDev localDev) {
    this.entries = people.stream()
        .map(p -> new Entry(p.person(), HexFormat.of().parseHex(p.tokenSha256().toLowerCase(Locale.ROOT))))
        .toList();
    this.localDev = localDev;
    this.localHash = localDev == null ? null : Tokens.sha256(localDev.secret());
  }

  /**
   * The caller, or a 401 with the {@code WWW-Authenticate} challenge. A person's own token proves
   * who they are; a name sent with it ({@code as}) must be theirs. Only a local dev's secret lets
   * the name decide, and then only among the configured people.
   */
  Person authenticate(String authorization, String as, boolean act) {
    Person person = authenticate(authorization);
    if (person == null) {
      // The local dev's secret: the caller is whoever they say, if that person is configured. A
      // read on this machine needs no name.
      if (!act && (as == null || as.isBlank())) {
        return LOCAL_READER;
      }
      if (as == null || as.isBlank()) {
        throw new ApiError(401, "unknown_person", "say who you are: pass --as NAME (one of "
            + String.join(", ", localDev.people().stream().map(Person::name).toList()) + ")");
      }
      return localDev.people().stream().filter(p -> p.name().equals(as)).findFirst()
          .orElseThrow(() -> new ApiError(403, "unknown_person", "'" + dev.runbook.workflows.model.Validation.printable(as)
              + "' is not under people in " + localDev.source() + ": only people listed there may act; add them with their roles"));
    }
    if (as != null && !as.isBlank() && !as.equals(person.name())) {
      throw new ApiError(403, "unknown_person", "your token is " + person.name() + "'s: acting as '"
          + dev.runbook.workflows.model.Validation.printable(as) + "' needs their own token (--as proves nothing)");
    }
    return person;
  }

  /**
   * The configured person called {@code name} as configured now (their current roles), or null when
   * nobody by that name is under people any more: a console session or link names a person, and
   * only someone still configured may act through it.
   */
  Person person(String name) {
    for (Entry e : entries) {
      if (e.person().name().equals(name)) {
        return e.person();
      }
    }
    if (localDev != null) {
      return localDev.people().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
    return null;
  }

  /** The names a local dev may sign in as; empty outside a local dev. */
  List<String> localPeople() {
    return localDev == null ? List.of() : localDev.people().stream().map(Person::name).toList();
  }

  /** The person whose token this is; null for a local dev's secret; else a 401. */
  private Person authenticate(String authorization) {
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
    if (found == null && localHash != null && MessageDigest.isEqual(localHash, presented)) {
      return null;
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
