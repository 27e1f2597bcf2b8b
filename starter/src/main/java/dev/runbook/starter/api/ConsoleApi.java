package dev.runbook.starter.api;

import dev.runbook.starter.RollbackLog;
import dev.runbook.starter.client.RunbookClient;
import dev.runbook.starter.client.RunbookException;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RollbackLogEntry;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.policy.Person;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approval console's JSON endpoints under {@code /console/api}, authenticated by the session
 * cookie instead of a bearer token. Votes go to the run as the session's person through the same
 * client the bearer API uses, so the run applies the same rules (not the requester, the role, one
 * vote each, the plan the approver saw) and its refusals come back word for word.
 */
final class ConsoleApi {
  static final String API = "/console/api";
  private static final Logger log = LoggerFactory.getLogger(ConsoleApi.class);
  private static final int PENDING_SCAN = 50;

  record SignIn(String token, String as) {}

  record Me(String person, List<String> roles, String run, String csrf, java.time.Instant expiresAt) {}

  record Pending(String workflowId, String runbook, String severity, List<String> services, String reason,
      String requestedBy, java.time.Instant requestedAt, List<String> roles, int required, List<String> approvedBy) {}

  record PendingList(List<Pending> runs) {}

  private final ConsoleAccess access;
  private final RunbookClient runbooks;
  private final RollbackLog rollbackLog;
  private final Duration sessionTtl;

  ConsoleApi(ConsoleAccess access, RunbookClient runbooks, RollbackLog rollbackLog, Duration sessionTtl) {
    this.access = access;
    this.runbooks = runbooks;
    this.rollbackLog = rollbackLog;
    this.sessionTtl = sessionTtl;
  }

  /**
   * Signs in with the person's API token in the body (never in a URL), or in a local dev with its
   * secret and a name. The token is checked and forgotten: the cookie carries the person's name.
   */
  Response signIn(Call call) throws IOException {
    access.sameOrigin(call);
    SignIn b = call.body(SignIn.class);
    if (b.token() == null || b.token().isBlank()) {
      throw ApiError.invalidField("token", "token is required: paste your API token (from `runbook token new`)");
    }
    // A local dev's secret with a name signs in as that person, as the CLI's --as does; a person's
    // own token proves who they are. The token goes no further than this check.
    Person p = access.auth().authenticate("Bearer " + b.token().trim(), b.as(), true);
    ConsoleSession s = ConsoleSession.open(p.name(), null, access.clock().instant(), sessionTtl);
    log.info("console: {} signed in", p.name());
    return Response.json(200, me(s, p))
        .withHeader("Set-Cookie", s.cookie(access.keys(), access.secure(), access.clock().instant()));
  }

  Response signOut(Call call) {
    ConsoleAccess.Caller c = access.actor(call);
    log.info("console: {} signed out", c.person().name());
    return Response.json(200, Map.of("signedOut", true)).withHeader("Set-Cookie", ConsoleSession.cleared(access.secure()));
  }

  /** Who is signed in, with the CSRF token the page sends back; signed out: 401 with who a local dev may be. */
  Response me(Call call) {
    try {
      ConsoleAccess.Caller c = access.caller(call);
      return Response.json(200, me(c.session(), c.person()));
    } catch (ApiError e) {
      if (e.response().status() == 401) {
        throw e.with("localPeople", access.auth().localPeople());
      }
      throw e;
    }
  }

  /** The runs awaiting approval (a link's session: its run only), oldest request first. */
  Response pending(Call call) {
    ConsoleAccess.Caller c = access.caller(call);
    List<String> ids = new ArrayList<>();
    if (c.session().run() != null) {
      ids.add(c.session().run());
    } else {
      List<RollbackLogEntry> open;
      try {
        open = rollbackLog.recent(PENDING_SCAN, null, true, true);
      } catch (RuntimeException e) {
        log.error("console: cannot read the rollback log", e);
        throw new ApiError(503, "unavailable", "the rollback log cannot be read right now: see the server log");
      }
      open.forEach(e -> ids.add(e.workflowId()));
    }
    List<Pending> out = new ArrayList<>();
    for (String id : ids) {
      RunStatus s;
      try {
        s = runbooks.status(id);
      } catch (RunbookException e) {
        continue; // ended and forgotten meanwhile
      }
      if (s.phase() == Phase.AWAITING_APPROVAL && s.pendingApproval() != null) {
        var a = s.pendingApproval();
        out.add(new Pending(s.workflowId(), s.runbook().id(), s.severity().name(), s.services(), s.reason(),
            s.requestedBy(), a.requestedAt(), a.roles(), a.required(), a.approvedBy()));
      }
    }
    out.sort(java.util.Comparator.comparing(Pending::requestedAt, java.util.Comparator.nullsLast(
        java.util.Comparator.naturalOrder())));
    return Response.json(200, new PendingList(out));
  }

  Response status(Call call) {
    ConsoleAccess.Caller c = access.caller(call);
    return Response.json(200, runbooks.status(covered(c, call)));
  }

  Response approve(Call call) throws IOException {
    ConsoleAccess.Caller c = access.actor(call);
    String id = covered(c, call);
    RunsApi.ApproveBody b = call.body(RunsApi.ApproveBody.class);
    Receipt r = runbooks.approve(id, c.person().name(), RunsApi.text("comment", b.comment(), false),
        RunsApi.planHash(b.planHash()));
    log.info("console: {} approved {}", c.person().name(), id);
    return Response.json(200, r);
  }

  Response reject(Call call) throws IOException {
    ConsoleAccess.Caller c = access.actor(call);
    String id = covered(c, call);
    RunsApi.RejectBody b = call.body(RunsApi.RejectBody.class);
    Receipt r = runbooks.reject(id, c.person().name(), RunsApi.text("reason", b.reason(), true));
    log.info("console: {} rejected {}", c.person().name(), id);
    return Response.json(200, r);
  }

  /** The run in the path, if this session covers it: a link's session acts on its own run only. */
  private static String covered(ConsoleAccess.Caller c, Call call) {
    String id = RunsApi.runId(call);
    if (!c.session().covers(id)) {
      throw new ApiError(403, "other_run", "this sign-in came from a link for " + c.session().run()
          + " and covers that run only: sign in with your token to act on " + id);
    }
    return id;
  }

  private static Me me(ConsoleSession s, Person p) {
    return new Me(p.name(), p.roles(), s.run(), s.csrf(), s.expiresAt());
  }
}
