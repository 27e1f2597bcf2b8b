package dev.runbook.starter.api;

import dev.runbook.starter.Releases;
import dev.runbook.workflows.model.Validation;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The release ledger over HTTP: CI/CD records its deploys ({@code POST /api/v1/deploys}) and
 * anyone may read a service's releases ({@code GET /api/v1/releases?service=NAME}). The recording
 * person is always the token's.
 */
final class ReleasesApi {
  static final String DEPLOYS = "/api/v1/deploys";
  static final String RELEASES = "/api/v1/releases";

  /** @param verified CI's checks passed after the deploy */
  record DeployBody(String service, String version, String schemaVersion, Boolean verified, String key) {}

  record ReleaseList(String service, List<Releases.Release> releases) {}

  private final Releases releases;

  ReleasesApi(Releases releases) {
    this.releases = releases;
  }

  Response record(Call call) throws IOException {
    DeployBody b = call.body(DeployBody.class);
    if (b == null || b.service() == null) {
      throw ApiError.invalidField("service", "service is required: the service that was deployed");
    }
    if (b.version() == null) {
      throw ApiError.invalidField("version", "version is required: the version that now runs");
    }
    if (b.key() != null && (b.key().length() > 200 || !b.key().matches("[A-Za-z0-9._:/@+-]+"))) {
      throw ApiError.invalidField("key", "key must be up to 200 letters, digits or . _ : / @ + -");
    }
    try {
      Releases.Recorded r = releases.record(b.service(), b.version(), b.schemaVersion(),
          Boolean.TRUE.equals(b.verified()), b.key(), call.caller().name());
      return Response.json(r.created() ? 201 : 200, r.release());
    } catch (IllegalArgumentException e) {
      throw new ApiError(422, "invalid_deploy", e.getMessage());
    }
  }

  Response history(Call call) {
    Map<String, String> q = call.query(Set.of("service", "limit"));
    String service = q.get("service");
    if (service == null || !Validation.NAME.matcher(service).matches()) {
      throw ApiError.invalidField("service", "name the service: ?service=NAME");
    }
    int limit = RunsApi.limit(q);
    return Response.json(200, new ReleaseList(service, releases.history(service, limit)));
  }
}
