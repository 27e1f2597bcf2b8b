package dev.runbook.activities.checklist;

import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.ChecklistActivities.ItemRecord;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.model.ChecklistItemState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The checklists in the rollback log ({@code checklist_items}). A write is an upsert of the item's
 * whole state that never takes back what is kept: a tick, its person, time and note, a reminder and
 * an escalation stay as first written, so a write sent again, or late, changes nothing.
 */
public final class ChecklistStore {
  private final DataSource dataSource;

  public ChecklistStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public void write(ItemRecord r) {
    ChecklistItemState i = r.item();
    String sql = "insert into checklist_items (workflow_id, checklist_run_id, run_workflow_id, runbook, item,"
        + " title, owner, escalate_to, check_kind, due_at, state, done_by, done_at, note, evidence, reminded_at,"
        + " escalated_at, run_run_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " on conflict (workflow_id, checklist_run_id, item) do update set"
        + " state = case when checklist_items.state = 'done' then 'done' else excluded.state end,"
        + " done_by = coalesce(checklist_items.done_by, excluded.done_by),"
        + " done_at = coalesce(checklist_items.done_at, excluded.done_at),"
        + " note = coalesce(checklist_items.note, excluded.note),"
        + " evidence = case when checklist_items.state = 'done' then checklist_items.evidence"
        + "   else coalesce(excluded.evidence, checklist_items.evidence) end,"
        + " reminded_at = coalesce(checklist_items.reminded_at, excluded.reminded_at),"
        + " escalated_at = coalesce(checklist_items.escalated_at, excluded.escalated_at)";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, r.checklistId());
      s.setString(2, r.checklistRunId());
      s.setString(3, r.runWorkflowId());
      s.setString(4, r.runbook().id());
      s.setString(5, i.id());
      s.setString(6, i.title());
      s.setString(7, i.owner());
      s.setString(8, i.escalateTo());
      s.setString(9, i.check());
      s.setTimestamp(10, ts(i.dueAt()));
      s.setString(11, i.state());
      s.setString(12, i.doneBy());
      s.setTimestamp(13, ts(i.doneAt()));
      s.setString(14, i.note());
      s.setString(15, i.evidence());
      s.setTimestamp(16, ts(i.remindedAt()));
      s.setTimestamp(17, ts(i.escalatedAt()));
      s.setString(18, r.runRunId());
      s.executeUpdate();
    } catch (SQLException e) {
      throw unavailable("write", e);
    }
  }

  /**
   * The items of the newest checklist of the run {@code runWorkflowId}, in their configured order;
   * empty when it has none.
   */
  public List<ChecklistItemState> items(String runWorkflowId) {
    return read("run_workflow_id = ?", runWorkflowId, runWorkflowId);
  }

  /**
   * The items of the checklist that followed the one run {@code runWorkflowId} / {@code runRunId}
   * (the incident report's), in their configured order; empty when it had none.
   */
  public List<ChecklistItemState> items(String runWorkflowId, String runRunId) {
    return read("run_workflow_id = ? and run_run_id = ?", runWorkflowId, runRunId, runWorkflowId, runRunId);
  }

  private List<ChecklistItemState> read(String which, String... values) {
    String sql = "select item, title, owner, escalate_to, check_kind, due_at, state, done_by, done_at, note,"
        + " evidence, reminded_at, escalated_at from checklist_items where " + which
        + " and checklist_run_id = (select checklist_run_id from checklist_items where " + which
        + "   order by seq desc limit 1) order by seq";
    List<ChecklistItemState> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int k = 0; k < values.length; k++) {
        s.setString(k + 1, values[k]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new ChecklistItemState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5), instant(rs.getTimestamp(6)), rs.getString(7), rs.getString(8),
              instant(rs.getTimestamp(9)), rs.getString(10), rs.getString(11), instant(rs.getTimestamp(12)),
              instant(rs.getTimestamp(13))));
        }
      }
    } catch (SQLException e) {
      throw unavailable("read", e);
    }
    return out;
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static RuntimeException unavailable(String what, SQLException e) {
    return Failures.of(FailureType.UNAVAILABLE, "could not " + what + " the checklist in the audit database ("
        + e.getMessage() + "): check that the database in audit.jdbcUrl is up");
  }
}
