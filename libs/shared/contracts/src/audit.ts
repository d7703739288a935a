/** Security-relevant actions recorded in the audit log. Values are stored: never rename one. */
export enum AuditAction {
  LoginSucceeded = 'auth.login_succeeded',
  LoginFailed = 'auth.login_failed',
  LoginLockedOut = 'auth.login_locked_out',
  LoggedOut = 'auth.logged_out',
  PasswordChanged = 'auth.password_changed',
  PasswordResetByOwner = 'auth.password_reset_by_owner',
  RefreshTokenReused = 'auth.refresh_token_reused',
  /** A reset link was emailed for the account (written only when the account exists; the HTTP answer is the same either way). */
  PasswordResetRequested = 'auth.password_reset_requested',
  /** The password was set through a reset link; every session was ended. */
  PasswordResetCompleted = 'auth.password_reset_completed',
  TwoFactorEnabled = 'two_factor.enabled',
  TwoFactorDisabled = 'two_factor.disabled',
  RecoveryCodesRegenerated = 'two_factor.recovery_codes_regenerated',
  TeamCreated = 'team.created',
  MemberJoined = 'member.joined',
  MemberRoleChanged = 'member.role_changed',
  MemberRemoved = 'member.removed',
  MemberLeft = 'member.left',
  InvitationCreated = 'invitation.created',
  InvitationRevoked = 'invitation.revoked',
  /** A pending invitation got a new link, emailed again (the old link stops working). */
  InvitationResent = 'invitation.resent',
  /** The public URL or SMTP settings of the instance changed (metadata: the fields; never the password). */
  InstanceSettingsUpdated = 'instance.settings_updated',
  /** A test email was sent through the instance's SMTP settings (metadata: ok). */
  InstanceSmtpTested = 'instance.smtp_tested',
  ApiTokenCreated = 'api_token.created',
  ApiTokenRevoked = 'api_token.revoked',
  SshKeyCreated = 'ssh_key.created',
  SshKeyDeleted = 'ssh_key.deleted',
  ServerCreated = 'server.created',
  ServerUpdated = 'server.updated',
  ServerDeleted = 'server.deleted',
  ServerHostKeyTrusted = 'server.host_key_trusted',
  /** An admin ran a command on a server (metadata: runId, command; never the output). */
  ServerCommandRun = 'server.command_run',
  ServerCommandCancelled = 'server.command_cancelled',
  ProjectCreated = 'project.created',
  ProjectUpdated = 'project.updated',
  ProjectDeleted = 'project.deleted',
  EnvironmentCreated = 'environment.created',
  EnvironmentDeleted = 'environment.deleted',
  ApplicationCreated = 'application.created',
  ApplicationUpdated = 'application.updated',
  ApplicationDeleted = 'application.deleted',
  /** A new webhook secret replaced the application's previous one (never the secret itself). */
  ApplicationWebhookSecretRotated = 'application.webhook_secret_rotated',
  /** The pinned git host key was forgotten on purpose: the next ssh clone trusts the key it is shown. */
  ApplicationGitHostKeyForgotten = 'application.git_host_key_forgotten',
  /** A new ed25519 key was generated as the application's deploy key (metadata: sshKeyId, fingerprint). */
  ApplicationDeployKeyGenerated = 'application.deploy_key_generated',
  /** Keys set or removed, never values. */
  EnvVarsChanged = 'env_vars.changed',
  /** A named volume, bind mount or file of an application added, changed or removed (metadata: kind, paths; never a file's content). */
  ApplicationMountsChanged = 'application.mounts_changed',
  /** A server's allowed bind roots were replaced (metadata: before, after). */
  ServerBindRootsChanged = 'server.bind_roots_changed',
  /** An orphaned volume (its application deleted, or the volume removed from it) was removed from a server with its data. */
  VolumeRemoved = 'volume.removed',
  AlertRuleCreated = 'alert_rule.created',
  AlertRuleUpdated = 'alert_rule.updated',
  AlertRuleDeleted = 'alert_rule.deleted',
  /** A deployment was asked for (metadata: deploymentId, trigger, commit). */
  DeploymentCreated = 'deployment.created',
  DeploymentCancelled = 'deployment.cancelled',
  /** A previous deployment's image was made live again (metadata: deploymentId, sourceDeploymentId). */
  DeploymentRolledBack = 'deployment.rolled_back',
  /** A one-click database was created (metadata: name, engine, image, serverId, operationId; never a password). */
  DatabaseCreated = 'database.created',
  /** Metadata: the fields that changed, operationId when the change recreates the container. */
  DatabaseUpdated = 'database.updated',
  /** Deletion was asked for (metadata: deleteData, operationId); the worker removes the container, then the row. */
  DatabaseDeleted = 'database.deleted',
  /** A start, stop, restart or password rotation was queued (metadata: kind, operationId). */
  DatabaseOperationRequested = 'database.operation_requested',
  /** Someone read the database's password (through the credentials route). */
  DatabaseCredentialsRevealed = 'database.credentials_revealed',
  /** A backup destination was saved after its check passed (metadata: name, kind; never a secret). */
  BackupDestinationCreated = 'backup_destination.created',
  /** Metadata: the fields that changed (names only; a new secret key shows as `secretAccessKey`). */
  BackupDestinationUpdated = 'backup_destination.updated',
  BackupDestinationDeleted = 'backup_destination.deleted',
  /** Someone read the destination's data key (the key route), to decrypt its backups without Zpanel. */
  BackupDestinationKeyRevealed = 'backup_destination.key_revealed',
  /** A notification channel was saved (metadata: name, kind, events; never a secret). */
  NotificationChannelCreated = 'notification_channel.created',
  /** Metadata: name and the fields that changed (names only; a replaced secret shows as `secrets.<field>`). */
  NotificationChannelUpdated = 'notification_channel.updated',
  NotificationChannelDeleted = 'notification_channel.deleted',
  /** Metadata: the source (databaseId or volumeId), destinationId, cron, timezone. */
  BackupScheduleCreated = 'backup_schedule.created',
  /** Metadata: the fields that changed. */
  BackupScheduleUpdated = 'backup_schedule.updated',
  BackupScheduleDeleted = 'backup_schedule.deleted',
  /** A backup was asked for now (metadata: backupId, databaseId or volumeId, destinationId, verify). */
  BackupRequested = 'backup.requested',
  BackupCancelled = 'backup.cancelled',
  /** A backup's stored object was removed (metadata: backupId, destinationId, location; the row stays `pruned`, or goes when nothing was stored). */
  BackupDeleted = 'backup.deleted',
  /** A download URL of a backup was handed out (metadata: backupId, destinationId, expiresAt). */
  BackupDownloaded = 'backup.downloaded',
  /** A dump file was uploaded to restore from (metadata: backupId, databaseId, destinationId, bytes). */
  BackupUploaded = 'backup.uploaded',
  /** A restore was asked for (metadata: restoreId, backupId, target, databaseId). */
  RestoreRequested = 'restore.requested',
}

export interface AuditEventDto {
  id: string;
  /** Null for events about an account (sign-ins, 2FA) rather than the team. */
  teamId: string | null;
  action: AuditAction;
  actor: { type: 'user' | 'token' | 'anonymous'; id: string | null; name: string | null };
  target: { type: string; id: string } | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/** `GET /api/v1/audit-events` (team from the x-zpanel-team header): filters besides page/perPage. */
export interface AuditEventQuery {
  action?: AuditAction;
  actorId?: string;
  /** ISO date-time bounds, inclusive. */
  since?: string;
  until?: string;
}
