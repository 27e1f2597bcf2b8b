package dev.runbook.activities.plan;

import dev.runbook.workflows.activities.ConfigActivities;
import dev.runbook.workflows.activities.ConfigActivities.ConfigRestoreResult;
import dev.runbook.workflows.activities.DatabaseActivities;
import dev.runbook.workflows.activities.DatabaseActivities.BackupInfo;
import dev.runbook.workflows.activities.DatabaseActivities.InPlaceRestoreRequest;
import dev.runbook.workflows.activities.DatabaseActivities.ResolveBackupRequest;
import dev.runbook.workflows.activities.DatabaseActivities.RevertRequest;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTarget;
import dev.runbook.workflows.activities.DatabaseActivities.SchemaTargetRequest;
import dev.runbook.workflows.activities.DatabaseIdentity;
import dev.runbook.workflows.activities.PlanActivities;
import dev.runbook.workflows.activities.ServiceActivities;
import dev.runbook.workflows.activities.ServiceActivities.DeployRequest;
import dev.runbook.workflows.activities.ServiceActivities.ServiceAction;
import dev.runbook.workflows.activities.ServiceActivities.ServiceEvidence;
import dev.runbook.workflows.activities.ServiceActivities.ServiceQuery;
import dev.runbook.workflows.model.Shown;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Reads a plan through the adapters' own dry runs, so the commands and SQL an approver sees are
 * the ones the run would send, from the configuration as it is now; adds the facts a vote rests
 * on (the running version, the schema now, the backup's identity and whether a newer one exists).
 * Reads only, and nothing secret: the adapters' plans name commands, never their secrets.
 */
public final class PlanActivitiesImpl implements PlanActivities {
  /** Dry runs need no idempotency key, but some adapters check that one is there. */
  private static final String KEY = "plan";

  private final ServiceActivities services;
  private final DatabaseActivities databases;
  private final ConfigActivities configs;

  public PlanActivitiesImpl(ServiceActivities services, DatabaseActivities databases, ConfigActivities configs) {
    this.services = services;
    this.databases = databases;
    this.configs = configs;
  }

  @Override
  public Plan plan(PlanRequest request) {
    List<String> lines = new ArrayList<>();
    for (PlannedAction a : request.actions()) {
      switch (a.kind()) {
        case STOP -> commands(lines, "stop " + a.target(),
            services.stop(new ServiceAction(a.target(), null, true)).planned());
        case START -> {
          List<String> planned = services.start(new ServiceAction(a.target(), null, true)).planned();
          commands(lines, "start " + a.target(), planned);
          if (planned.isEmpty()) {
            // A start reads first: a service that runs now plans no command yet.
            lines.add("  (" + a.target() + " runs now: the run starts it again with its configured start once it"
                + " stopped it)");
          }
        }
        case RESTART -> commands(lines, "restart " + a.target(),
            services.restart(new ServiceAction(a.target(), null, true)).planned());
        case DEPLOY -> deploy(lines, a);
        case CONFIG -> config(lines, a);
        case REVERT_SCHEMA -> revert(lines, a);
        case RESTORE_IN_PLACE, SWAP -> restore(lines, a);
      }
    }
    return new Plan(lines, sha256(String.join("\n", lines)));
  }

  private void deploy(List<String> lines, PlannedAction a) {
    ServiceEvidence now = services.captureEvidence(new ServiceQuery(a.target(), true));
    String running = now.currentVersion() == null ? "an unknown version" : now.currentVersion();
    lines.add(a.target() + ": running " + running + (Objects.equals(now.currentVersion(), a.expected())
        ? "" : " (the run read " + a.expected() + " before it asked)"));
    commands(lines, "deploy " + a.version() + " to " + a.target(),
        services.deploy(new DeployRequest(a.target(), a.version(), null, true)).planned());
  }

  private void config(List<String> lines, PlannedAction a) {
    ConfigRestoreResult r = configs.restore(new ConfigActivities.RestoreRequest(a.target(), a.version(), KEY, true));
    lines.add(a.target() + ": configuration " + a.expected() + " -> " + a.version() + ": "
        + (r.diff() == null ? r.detail() : r.diff().describe()));
    commands(lines, "restore the configuration of " + a.target(), r.planned());
  }

  private void revert(List<String> lines, PlannedAction a) {
    SchemaTarget t = databases.resolveSchemaTarget(new SchemaTargetRequest(a.target(), null, a.version(), null, true));
    lines.add(a.target() + ": schema " + Shown.schema(t.currentVersion()) + " -> " + a.version()
        + (t.toRevert().isEmpty() ? ", nothing to revert" : ", reverting " + String.join(", ", t.toRevert())));
    commands(lines, "revert " + a.target() + " to schema " + a.version(),
        databases.revertMigrations(new RevertRequest(a.target(), a.version(), KEY, true)).planned());
  }

  private void restore(List<String> lines, PlannedAction a) {
    BackupInfo b = databases.resolveBackup(new ResolveBackupRequest(a.target(), a.version(), true, true));
    lines.add(a.target() + ": restore backup " + b.backupId() + " taken " + Shown.time(b.createdAt()) + ", "
        + b.sizeBytes() + " bytes, schema " + Shown.schema(b.schemaVersion())
        + (b.source() == null ? "" : ", from " + DatabaseIdentity.describe(b.source()))
        + (b.target() == null ? "" : ", into " + DatabaseIdentity.describe(b.target())));
    if (PlanActivities.NEWEST.equals(a.expected())) {
      BackupInfo newest = databases.resolveBackup(new ResolveBackupRequest(a.target(), null, true));
      if (!newest.backupId().equals(b.backupId())) {
        lines.add(a.target() + ": a newer backup exists: " + newest.backupId() + " taken "
            + Shown.time(newest.createdAt()) + "; this run restores " + b.backupId()
            + " (reject and start again to restore the newer one)");
      }
    }
    if (a.kind() == Kind.SWAP) {
      lines.add(a.target() + ": end its sessions, then in one transaction rename it to its safety copy (run "
          + a.runTag() + ") and the staged copy of " + b.backupId() + " to its name");
    } else {
      commands(lines, "restore " + b.backupId() + " into " + a.target() + " in place",
          databases.restoreInPlace(new InPlaceRestoreRequest(a.target(), b.backupId(), KEY, true, true)).planned());
    }
  }

  /** A step and its commands; a command of several lines (an undo script) keeps them, indented. */
  private static void commands(List<String> lines, String step, List<String> planned) {
    lines.add(step + ":");
    for (String p : planned) {
      String[] parts = p.split("\\R", -1);
      lines.add("  $ " + parts[0]);
      for (int i = 1; i < parts.length; i++) {
        lines.add("    " + parts[i]);
      }
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
