/**
 * Machine-readable codes for the reasons the worker shows to people: why a deployment failed, was
 * cancelled or superseded, and why a server is unreachable or invalid. The text beside a code is for
 * reading and may change; clients that react to a reason (the SPA's "host key changed" banner) switch
 * on the code.
 */
export const REASON_CODES = [
  // Deployments: how they ended without a step's own reason.
  'deployment.cancelled',
  'deployment.superseded',
  'deployment.timed_out',
  'deployment.worker_stopped',
  'deployment.server_gone',
  'deployment.application_gone',
  /** A step failed with an error Zpanel has no words of its own for (its message is shown). */
  'deployment.step_failed',
  /** Zpanel itself failed (database, key store); the text says to look at the worker log. */
  'deployment.internal',
  // Source.
  'git.host_key_changed',
  'git.auth_required',
  'git.token_refused',
  'git.settings_invalid',
  'git.host_unreachable',
  'git.fetch_failed',
  'checkout.path_missing',
  'checkout.path_outside',
  'checkout.path_loop',
  'checkout.not_a_directory',
  'checkout.not_a_file',
  'image.gone',
  'image.tag_invalid',
  'image.tag_not_applicable',
  /** A variable's `${{ <database>.<VARIABLE> }}` names no database of the environment (deleted, or on another server), or is malformed. */
  'variables.reference_unresolved',
  // Mounts, checked on the server right before the container starts.
  /** A bind mount's host path (or the root it is under) is missing on the server. */
  'mount.path_missing',
  /** A bind mount's host path resolves (symbolic links followed) outside every allowed root, or into a denied path. */
  'mount.path_outside',
  /** A stored mount no longer passes its checks (path rules, a root no longer allowed). */
  'mount.invalid',
  // Build, start, health.
  'build.failed',
  'container.exited',
  'health_check.failed',
  // Servers: validation and periodic checks.
  'server.host_key_changed',
  /** A closed, filtered or refused port, or an address the instance refuses: one code, as one text (no port scans through it). */
  'server.unreachable',
  'server.unresolvable',
  'server.auth_refused',
  'server.docker_unavailable',
  /** Another server of the instance already manages this Docker host. */
  'server.docker_host_taken',
  // Database operations (docs/databases.md, "Operations").
  /** The public port is already in use on the server (by anything, Zpanel's or not). */
  'database.port_taken',
  /** The engine did not answer its readiness probe in time (the status becomes `unhealthy`, or a create fails). */
  'database.not_ready',
  /** The container stopped on its own (while the engine was expected to come up, or found stopped by a server check). */
  'database.container_exited',
  /** An image tag change the engine cannot take on its data (a PostgreSQL major upgrade, a downgrade). */
  'database.tag_refused',
  'database.image_pull_failed',
  // Found by the periodic server check (docs/databases.md, "Status"): the database is then `unhealthy`.
  /** The database's container is not on the server any more (removed by hand, or never re-created). */
  'database.container_missing',
  /** The container was killed for using more memory than its limit (or the server had). */
  'database.container_oom_killed',
  /** Docker keeps restarting the container: the engine exits right after starting. */
  'database.container_restarting',
  /** The container runs but the engine does not answer its readiness probe. */
  'database.probe_failed',
  /** The engine refused the password change. */
  'database.rotation_failed',
  'database.server_gone',
  /** The database was deleted before its operation ran. */
  'database.gone',
  'database.worker_stopped',
  'database.timed_out',
  /** A step failed with an error Zpanel has no words of its own for (Docker's message is shown). */
  'database.step_failed',
  /** Zpanel itself failed (database, key store); the text says to look at the worker log. */
  'database.internal',
  // Backups and restores (docs/backups.md).
  /** The dump tool (pg_dump, mariadb-dump, redis-cli, tar) exited non-zero; its stderr tail is shown. */
  'backup.dump_failed',
  /** The destination refused or dropped the upload (unreachable, bad credentials, bucket gone, disk full); the multipart upload was aborted. */
  'backup.upload_failed',
  /** After the upload, the stored object's size or checksum differed from what was sent. */
  'backup.verify_failed',
  /** The destination's address is refused by the instance's outbound address policy. */
  'backup.address_refused',
  /** The database, volume or destination is gone, or the database is not running. */
  'backup.source_gone',
  'backup.destination_gone',
  'backup.server_gone',
  'backup.timed_out',
  'backup.cancelled',
  'backup.worker_stopped',
  /** Decryption failed: a wrong key, or the object was changed (a flipped byte, a truncation). */
  'backup.integrity_failed',
  /** The restore tool exited non-zero. */
  'backup.restore_failed',
  /** Restored, but the tables, row counts, keys or files differ from what the dump recorded. */
  'backup.inventory_mismatch',
  /** An uploaded file is not a dump of the engine, is too large, or was cut short. */
  'backup.upload_invalid',
  /** Retention could not remove an expired backup; the backups stay listed until a prune succeeds. */
  'backup.prune_failed',
  /** A schedule produced no verified backup by its slot plus the grace period. */
  'backup.missed',
  'backup.step_failed',
  'backup.internal',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];
