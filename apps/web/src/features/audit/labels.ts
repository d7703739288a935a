import { AuditAction } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  [AuditAction.LoginSucceeded]: 'Signed in',
  [AuditAction.LoginFailed]: 'Sign-in failed',
  [AuditAction.LoginLockedOut]: 'Sign-in locked out',
  [AuditAction.PasswordChanged]: 'Password changed',
  [AuditAction.PasswordResetByOwner]: 'Password reset by owner',
  [AuditAction.RefreshTokenReused]: 'Session token reused',
  [AuditAction.LoggedOut]: 'Signed out',
  [AuditAction.TwoFactorEnabled]: 'Two-factor turned on',
  [AuditAction.TwoFactorDisabled]: 'Two-factor turned off',
  [AuditAction.RecoveryCodesRegenerated]: 'Recovery codes regenerated',
  [AuditAction.TeamCreated]: 'Team created',
  [AuditAction.MemberJoined]: 'Member joined',
  [AuditAction.MemberRoleChanged]: 'Member role changed',
  [AuditAction.MemberRemoved]: 'Member removed',
  [AuditAction.MemberLeft]: 'Member left',
  [AuditAction.InvitationCreated]: 'Invitation created',
  [AuditAction.InvitationRevoked]: 'Invitation revoked',
  [AuditAction.ApiTokenCreated]: 'API token created',
  [AuditAction.ApiTokenRevoked]: 'API token revoked',
  [AuditAction.SshKeyCreated]: 'SSH key added',
  [AuditAction.SshKeyDeleted]: 'SSH key deleted',
  [AuditAction.ServerCreated]: 'Server added',
  [AuditAction.ServerUpdated]: 'Server changed',
  [AuditAction.ServerDeleted]: 'Server deleted',
  [AuditAction.ServerHostKeyTrusted]: 'Trusted a new server host key',
  [AuditAction.ServerCommandRun]: 'Ran a command on a server',
  [AuditAction.ServerCommandCancelled]: 'Cancelled a command on a server',
  [AuditAction.ProjectCreated]: 'Project created',
  [AuditAction.ProjectUpdated]: 'Project changed',
  [AuditAction.ProjectDeleted]: 'Project deleted',
  [AuditAction.EnvironmentCreated]: 'Environment created',
  [AuditAction.EnvironmentDeleted]: 'Environment deleted',
  [AuditAction.ApplicationCreated]: 'Application created',
  [AuditAction.ApplicationUpdated]: 'Application changed',
  [AuditAction.ApplicationDeleted]: 'Application deleted',
  [AuditAction.ApplicationWebhookSecretRotated]: 'Webhook secret rotated',
  [AuditAction.ApplicationGitHostKeyForgotten]: 'Git host key forgotten',
  [AuditAction.ApplicationDeployKeyGenerated]: 'Deploy key generated',
  [AuditAction.EnvVarsChanged]: 'Environment variables changed',
  [AuditAction.ApplicationMountsChanged]: 'Volumes or mounts changed',
  [AuditAction.ServerBindRootsChanged]: 'Allowed bind roots changed',
  [AuditAction.VolumeRemoved]: 'Removed an orphaned volume',
  [AuditAction.AlertRuleCreated]: 'Alert rule added',
  [AuditAction.AlertRuleUpdated]: 'Alert rule changed',
  [AuditAction.AlertRuleDeleted]: 'Alert rule deleted',
  [AuditAction.DeploymentCreated]: 'Deployment started',
  [AuditAction.DeploymentCancelled]: 'Deployment cancelled',
  [AuditAction.DeploymentRolledBack]: 'Rolled back',
  [AuditAction.DatabaseCreated]: 'Database created',
  [AuditAction.DatabaseUpdated]: 'Database changed',
  [AuditAction.DatabaseDeleted]: 'Database deleted',
  [AuditAction.DatabaseOperationRequested]: 'Database start, stop, restart or password rotation',
  [AuditAction.DatabaseCredentialsRevealed]: 'Database password revealed',
};

/** The action filter's groups, in the order a person looks for them. */
export const AUDIT_ACTION_GROUPS: readonly { label: string; actions: readonly AuditAction[] }[] = [
  {
    label: 'Sign-in and password',
    actions: [
      AuditAction.LoginSucceeded,
      AuditAction.LoginFailed,
      AuditAction.LoginLockedOut,
      AuditAction.LoggedOut,
      AuditAction.RefreshTokenReused,
      AuditAction.PasswordChanged,
      AuditAction.PasswordResetByOwner,
    ],
  },
  {
    label: 'Two-factor',
    actions: [AuditAction.TwoFactorEnabled, AuditAction.TwoFactorDisabled, AuditAction.RecoveryCodesRegenerated],
  },
  {
    label: 'Team',
    actions: [
      AuditAction.TeamCreated,
      AuditAction.MemberJoined,
      AuditAction.MemberRoleChanged,
      AuditAction.MemberRemoved,
      AuditAction.MemberLeft,
      AuditAction.InvitationCreated,
      AuditAction.InvitationRevoked,
    ],
  },
  { label: 'API tokens', actions: [AuditAction.ApiTokenCreated, AuditAction.ApiTokenRevoked] },
  {
    label: 'Servers and SSH keys',
    actions: [
      AuditAction.ServerCreated,
      AuditAction.ServerUpdated,
      AuditAction.ServerHostKeyTrusted,
      AuditAction.ServerDeleted,
      AuditAction.ServerCommandRun,
      AuditAction.ServerCommandCancelled,
      AuditAction.ServerBindRootsChanged,
      AuditAction.VolumeRemoved,
      AuditAction.SshKeyCreated,
      AuditAction.SshKeyDeleted,
    ],
  },
  {
    label: 'Projects and applications',
    actions: [
      AuditAction.ProjectCreated,
      AuditAction.ProjectUpdated,
      AuditAction.ProjectDeleted,
      AuditAction.EnvironmentCreated,
      AuditAction.EnvironmentDeleted,
      AuditAction.ApplicationCreated,
      AuditAction.ApplicationUpdated,
      AuditAction.ApplicationDeleted,
      AuditAction.ApplicationWebhookSecretRotated,
      AuditAction.ApplicationGitHostKeyForgotten,
      AuditAction.ApplicationDeployKeyGenerated,
      AuditAction.EnvVarsChanged,
      AuditAction.ApplicationMountsChanged,
    ],
  },
  { label: 'Deployments', actions: [AuditAction.DeploymentCreated, AuditAction.DeploymentCancelled, AuditAction.DeploymentRolledBack] },
  {
    label: 'Databases',
    actions: [
      AuditAction.DatabaseCreated,
      AuditAction.DatabaseUpdated,
      AuditAction.DatabaseDeleted,
      AuditAction.DatabaseOperationRequested,
      AuditAction.DatabaseCredentialsRevealed,
    ],
  },
  { label: 'Alerts', actions: [AuditAction.AlertRuleCreated, AuditAction.AlertRuleUpdated, AuditAction.AlertRuleDeleted] },
];

/** Actions worth a second look stand out; the rest read as plain text. */
export const AUDIT_ACTION_TONES: Partial<Record<AuditAction, Tone>> = {
  [AuditAction.LoginFailed]: 'warn',
  [AuditAction.LoginLockedOut]: 'down',
  [AuditAction.RefreshTokenReused]: 'down',
  [AuditAction.TwoFactorDisabled]: 'warn',
  [AuditAction.PasswordResetByOwner]: 'warn',
  // A changed host key is trusted on purpose, but is what a man-in-the-middle would look like too.
  [AuditAction.ServerHostKeyTrusted]: 'warn',
  // Bind roots open the server's files to applications; a removed volume took its data with it.
  [AuditAction.ServerBindRootsChanged]: 'warn',
  [AuditAction.VolumeRemoved]: 'warn',
};

export const AUDIT_TARGET_LABELS: Record<string, string> = {
  user: 'User',
  api_token: 'API token',
  invitation: 'Invitation',
  member: 'Member',
  team: 'Team',
  server: 'Server',
  ssh_key: 'SSH key',
  project: 'Project',
  environment: 'Environment',
  application: 'Application',
  database: 'Database',
  alert_rule: 'Alert rule',
};

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action as AuditAction] ?? action;
}
