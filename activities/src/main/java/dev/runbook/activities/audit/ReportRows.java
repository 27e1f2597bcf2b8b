package dev.runbook.activities.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A run's events as the rollback log keeps them, and the small readers the report's parts share. */
final class ReportRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportRows() {}

  /** One row of run_events; {@code data} is its type's fields (never null). */
  record Event(long seq, String type, Instant at, String actor, String step, String detail, Map<String, String> data) {}

  static List<Event> events(Connection c, String runId) throws SQLException {
    List<Event> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "select seq, type, at, actor, step, detail, data::text as data from run_events where run_id = ? order by seq")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Event(rs.getLong("seq"), rs.getString("type"), instant(rs, "at"), rs.getString("actor"),
              rs.getString("step"), rs.getString("detail"), data(rs.getString("data"))));
        }
      }
    }
    return out;
  }

  /** The newest event of the type, or null. */
  static Event last(List<Event> events, String type) {
    Event found = null;
    for (Event e : events) {
      if (e.type().equals(type)) {
        found = e;
      }
    }
    return found;
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  static Long number(String text) {
    try {
      return text == null ? null : Long.valueOf(text);
    } catch (NumberFormatException e) {
      return null; // recorded as something else: not a figure the report can use
    }
  }

  private static Map<String, String> data(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      Map<String, Object> raw = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
      Map<String, String> out = new java.util.LinkedHashMap<>();
      raw.forEach((k, v) -> out.put(k, v == null ? null : String.valueOf(v)));
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("an event's data in the rollback log is not JSON: " + e.getMessage(), e);
    }
  }
}
