package dev.runbook.worker.config;

import dev.runbook.activities.Secret;
import java.util.ArrayList;
import java.util.List;

/** The PostgreSQL database that keeps the rollback log. The password never goes in the URL. */
public record AuditSettings(String url, String user, Secret password, Integer poolSize) {
  public int pool() {
    return poolSize == null ? 8 : poolSize;
  }

  List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (url == null || !url.startsWith("jdbc:postgresql://")) {
      p.add(path + ".url: must be a PostgreSQL JDBC URL like jdbc:postgresql://127.0.0.1:5432/runbook");
    } else if (url.contains("password=")) {
      p.add(path + ".url: carries a password: move it to " + path + ".password (with ${ENV} substitution)");
    }
    if (user == null || user.isBlank()) {
      p.add(path + ".user is required: the database role runbook connects as");
    }
    if (poolSize != null && (poolSize < 1 || poolSize > 100)) {
      p.add(path + ".poolSize " + poolSize + " is out of range: use 1 to 100");
    }
    return p;
  }
}
