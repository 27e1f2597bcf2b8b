package dev.runbook.workflows.activities;

/**
 * Which database a backup came from, or a restore would go into: the server's system identifier
 * ({@code pg_control_system()}, set once by initdb: another server has another one, while every
 * address of one server, and its physical replicas, share it), the address it was reached at,
 * and the database's physical name there. For a database of {@code engine: command} the identifier
 * is what its {@code identity} template prints (e.g. MariaDB's {@code @@server_uid} and the schema),
 * and the address is the configured one, shown only (port 0 when none is configured).
 *
 * <p>Two identities are the same database when the system identifier and the physical name
 * match. Host and port are shown, never compared: one server can be reached by several names.
 */
public record DatabaseIdentity(String systemIdentifier, String host, int port, String physicalDatabase) {

  /** Whether both name the same database on the same server (system identifier and name). */
  public boolean sameDatabase(DatabaseIdentity other) {
    return other != null
        && systemIdentifier != null
        && systemIdentifier.equals(other.systemIdentifier)
        && physicalDatabase != null
        && physicalDatabase.equals(other.physicalDatabase);
  }

  /** "shop on db1:5432 (system 7712475918956554258)", for messages and the rollback log. */
  public String describe() {
    return physicalDatabase + " on " + host + (port > 0 ? ":" + port : "") + " (system " + systemIdentifier + ")";
  }

  /** How an identity that may be missing reads in a message. */
  public static String describe(DatabaseIdentity identity) {
    return identity == null ? "an unrecorded database" : identity.describe();
  }
}
