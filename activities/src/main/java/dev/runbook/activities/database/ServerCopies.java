package dev.runbook.activities.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The copies of a configured database that runs left on its server: staging databases ({@code
 * <db>__rb_<tag>}) and safety copies ({@code <db>__before_<tag>}). A name counts only when it is
 * exactly the name a run with that tag gives ({@link PgNames}), so neither the live database nor
 * anything else on the server is ever taken for one.
 */
final class ServerCopies {
  /** A copy on the server: its name, the run tag in it, and whether it is a safety copy. */
  record Copy(String name, String runTag, boolean safety) {}

  private ServerCopies() {}

  static List<Copy> find(ConfiguredDatabase db) {
    String live = db.live();
    return db.client().onMaintenance("list the copies of databases." + db.name(), c -> {
      List<Copy> found = new ArrayList<>();
      for (String name : names(c)) {
        if (name.equals(live) || name.equals(db.settings().maintenanceDatabase())) {
          continue;
        }
        copy(live, name, PgNames.SAFETY_INFIX, true).ifPresent(found::add);
        copy(live, name, PgNames.STAGING_INFIX, false).ifPresent(found::add);
      }
      return found;
    });
  }

  private static java.util.Optional<Copy> copy(String live, String name, String infix, boolean safety) {
    int at = name.lastIndexOf(infix);
    if (at < 0) {
      return java.util.Optional.empty();
    }
    String tag = name.substring(at + infix.length());
    if (!PgNames.RUN_TAG.matcher(tag).matches()) {
      return java.util.Optional.empty();
    }
    String expected = safety ? PgNames.safety(live, tag) : PgNames.staging(live, tag);
    return expected.equals(name) ? java.util.Optional.of(new Copy(name, tag, safety)) : java.util.Optional.empty();
  }

  private static List<String> names(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "select datname from pg_database where not datistemplate order by datname");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /** Ends the sessions on a copy and drops it; a copy already gone is left at that. */
  static boolean drop(ConfiguredDatabase db, String name) {
    return db.client().onMaintenance("drop " + name, c -> {
      if (!PgClient.exists(c, name)) {
        return false;
      }
      PgClient.drop(c, name);
      return true;
    });
  }
}
