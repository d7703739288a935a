import { Client } from 'pg';
import {
  Ability,
  type CreatedInvitationResponse,
  LIVE_KINDS,
  type LiveKind,
  type LiveSubscribeRequest,
  type MeResponse,
  type ProblemDetails,
  Role,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { type SignedIn, apiCaller, connectEvents, joinTeam, liveSubscribe, useOwnedStack } from '@zpanel/testing';

/**
 * Every route of the API, read from its own OpenAPI document, must be listed here: as public, as
 * acting only on the caller's own data, or as team-scoped with how to name team A's resources.
 * A new route that is not listed fails this suite, so tenancy is tested for every module that lands.
 */
const PUBLIC = new Set([
  'GET /api/health',
  'GET /api/ready',
  'GET /api/v1/setup',
  'POST /api/v1/setup/owner',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/invitations/preview',
  'POST /api/v1/invitations/register',
  // Self-service password reset: the same answer for any address (password-reset.e2e-spec.ts).
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/confirm',
  // Authenticated by each application's webhook signature instead (see webhooks.e2e-spec.ts).
  'POST /webhooks/{provider}',
  // Authenticated by the signed link it is reached by (download-links.ts; backups.e2e-spec.ts): a bad or foreign one is a 404.
  'GET /api/v1/backups/{backupId}/download/file',
  // The same for an instance backup: the link's person must still be an instance operator (instance-backup.e2e-spec.ts).
  'GET /api/v1/system/backups/{instanceBackupId}/download/file',
]);

/** Routes that take no id of a team-owned resource: they can only ever touch the caller's own data. */
const CALLER_SCOPED = new Set([
  'GET /api/v1/me',
  'POST /api/v1/me/password',
  'POST /api/v1/me/two-factor/enrollment',
  'POST /api/v1/me/two-factor/confirmation',
  'POST /api/v1/me/two-factor/disable',
  'POST /api/v1/me/two-factor/recovery-codes',
  'GET /api/v1/teams',
  'POST /api/v1/teams',
  'POST /api/v1/invitations/accept',
  'GET /api/v1/system/status',
  // Says whether the caller may manage instance backups; the routes that do are refused to all but the first team's owners (instance-backup.e2e-spec.ts).
  'GET /api/v1/system/backups/access',
]);

/**
 * Routes of what belongs to the instance, not to a team (instance backups): only the owners of the
 * first team (team A here) and its admin tokens pass; everyone else gets 403 (the collections, whose
 * refusal the System page shows in words) or 404 (a route naming one of the instance's rows, which
 * for them does not exist), and changes nothing.
 */
const INSTANCE_OPERATORS: Record<string, { body?: unknown; refused: 403 | 404 }> = {
  'GET /api/v1/system/backups': { refused: 403 },
  'POST /api/v1/system/backups': { body: { destinationId: '00000000-0000-4000-8000-000000000000' }, refused: 403 },
  'GET /api/v1/system/backups/{instanceBackupId}': { refused: 404 },
  'GET /api/v1/system/backups/{instanceBackupId}/download': { refused: 404 },
  'GET /api/v1/system/backups/schedules': { refused: 403 },
  'POST /api/v1/system/backups/schedules': {
    body: { destinationId: '00000000-0000-4000-8000-000000000000', cron: '0 3 * * *', retentionCount: 1 },
    refused: 403,
  },
  'GET /api/v1/system/backups/schedules/{scheduleId}': { refused: 404 },
  'PATCH /api/v1/system/backups/schedules/{scheduleId}': { body: { enabled: false }, refused: 404 },
  'DELETE /api/v1/system/backups/schedules/{scheduleId}': { refused: 404 },
  // The public URL and SMTP settings (instance-settings.e2e-spec.ts).
  'GET /api/v1/system/settings': { refused: 403 },
  'PATCH /api/v1/system/settings': { body: { publicUrl: 'https://matrix.example.com' }, refused: 403 },
  'POST /api/v1/system/settings/smtp/test': { body: { to: 'matrix@example.com' }, refused: 403 },
};

/**
 * Team-scoped routes, with a body that passes validation so the check under test is tenancy.
 * `teamHeader`: the route names its team in the x-zpanel-team header instead of the path.
 */
type Ids = Record<string, string>;
const MATRIX_CHANNEL = {
  kind: 'slack',
  name: 'matrix',
  secrets: { webhookUrl: 'https://192.0.2.40/services/matrix' },
  events: ['deployment.failed'],
} as const;
const TEAM_SCOPED: Record<string, { body?: unknown | ((ids: Ids) => unknown); teamHeader?: true }> = {
  'GET /api/v1/audit-events': { teamHeader: true },
  'GET /api/v1/teams/{teamId}/members': {},
  'PATCH /api/v1/teams/{teamId}/members/{userId}': { body: { role: Role.Viewer } },
  'DELETE /api/v1/teams/{teamId}/members/{userId}': {},
  'POST /api/v1/teams/{teamId}/members/{userId}/password-reset': {},
  'GET /api/v1/teams/{teamId}/invitations': {},
  'POST /api/v1/teams/{teamId}/invitations': { body: { email: 'matrix@example.com', role: Role.Viewer } },
  'DELETE /api/v1/teams/{teamId}/invitations/{invitationId}': {},
  'POST /api/v1/teams/{teamId}/invitations/{invitationId}/resend': {},
  'GET /api/v1/teams/{teamId}/api-tokens': {},
  // `write` exceeds a viewer's role, so the viewer pass expects 403 here too.
  'POST /api/v1/teams/{teamId}/api-tokens': { body: { name: 'matrix', abilities: ['write'] } },
  'DELETE /api/v1/teams/{teamId}/api-tokens/{tokenId}': {},
  'GET /api/v1/ssh-keys': { teamHeader: true },
  'POST /api/v1/ssh-keys': { teamHeader: true, body: { name: 'matrix' } },
  'DELETE /api/v1/ssh-keys/{sshKeyId}': {},
  'GET /api/v1/servers': { teamHeader: true },
  'POST /api/v1/servers': { teamHeader: true, body: (ids: Ids) => ({ name: 'matrix', host: '192.0.2.1', sshKeyId: ids.sshKeyId }) },
  'GET /api/v1/servers/{serverId}': {},
  'PATCH /api/v1/servers/{serverId}': { body: { description: 'changed by the matrix' } },
  'POST /api/v1/servers/{serverId}/validate': {},
  'POST /api/v1/servers/{serverId}/trust-host-key': {},
  'DELETE /api/v1/servers/{serverId}': {},
  'PUT /api/v1/servers/{serverId}/allowed-bind-roots': { body: { allowedBindRoots: ['/srv/matrix'] } },
  'GET /api/v1/servers/{serverId}/volumes/orphaned': {},
  'DELETE /api/v1/servers/{serverId}/volumes/{dockerName}': {},
  'GET /api/v1/servers/{serverId}/containers': {},
  'GET /api/v1/servers/{serverId}/containers/{containerId}': {},
  'GET /api/v1/servers/{serverId}/containers/{containerId}/logs': {},
  'POST /api/v1/servers/{serverId}/containers/{containerId}/{action}': { body: { timeoutSeconds: 1 } },
  'DELETE /api/v1/servers/{serverId}/containers/{containerId}': {},
  'POST /api/v1/servers/{serverId}/commands': { body: { command: 'uptime', timeoutSeconds: 10 } },
  'GET /api/v1/servers/{serverId}/commands': {},
  'GET /api/v1/servers/{serverId}/commands/{runId}': {},
  'POST /api/v1/servers/{serverId}/commands/{runId}/cancel': {},
  'GET /api/v1/servers/{serverId}/metrics': {},
  'GET /api/v1/servers/{serverId}/alert-rules': {},
  'POST /api/v1/servers/{serverId}/alert-rules': { body: { metric: 'cpu', operator: '>', threshold: 95, durationSeconds: 60 } },
  'PATCH /api/v1/servers/{serverId}/alert-rules/{ruleId}': { body: { threshold: 85 } },
  'DELETE /api/v1/servers/{serverId}/alert-rules/{ruleId}': {},
  'GET /api/v1/servers/{serverId}/alerts': {},
  'GET /api/v1/alerts': { teamHeader: true },
  'GET /api/v1/projects': { teamHeader: true },
  'POST /api/v1/projects': { teamHeader: true, body: { name: 'matrix' } },
  'GET /api/v1/projects/{projectId}': {},
  'PATCH /api/v1/projects/{projectId}': { body: { description: 'changed by the matrix' } },
  'DELETE /api/v1/projects/{projectId}': {},
  'GET /api/v1/projects/{projectId}/environments': {},
  'POST /api/v1/projects/{projectId}/environments': { body: { name: 'matrix' } },
  'DELETE /api/v1/environments/{environmentId}': {},
  'GET /api/v1/environments/{environmentId}/env': {},
  'PUT /api/v1/environments/{environmentId}/env': { body: { dotenv: 'MATRIX_KEY=changed by the matrix' } },
  'PUT /api/v1/environments/{environmentId}/env/{key}': { body: { value: 'changed by the matrix' } },
  'DELETE /api/v1/environments/{environmentId}/env/{key}': {},
  'GET /api/v1/applications': { teamHeader: true },
  'POST /api/v1/applications': {
    teamHeader: true,
    body: (ids: Ids) => ({
      environmentId: ids.environmentId,
      serverId: ids.serverId,
      name: 'matrix',
      buildPack: 'image',
      imageReference: 'nginx:1.27',
      port: 80,
    }),
  },
  'GET /api/v1/applications/{applicationId}': {},
  'PATCH /api/v1/applications/{applicationId}': { body: { description: 'changed by the matrix', domains: ['matrix.example.com'] } },
  'DELETE /api/v1/applications/{applicationId}': {},
  'GET /api/v1/applications/{applicationId}/env': {},
  'PUT /api/v1/applications/{applicationId}/env': { body: { dotenv: 'MATRIX_KEY=changed by the matrix' } },
  'PUT /api/v1/applications/{applicationId}/env/{key}': { body: { value: 'changed by the matrix' } },
  'DELETE /api/v1/applications/{applicationId}/env/{key}': {},
  'GET /api/v1/applications/{applicationId}/volumes': {},
  'POST /api/v1/applications/{applicationId}/volumes': { body: { name: 'matrix', mountPath: '/matrix' } },
  'GET /api/v1/applications/{applicationId}/volumes/usage': {},
  'DELETE /api/v1/applications/{applicationId}/volumes/{volumeId}': {},
  'GET /api/v1/applications/{applicationId}/mounts': {},
  'POST /api/v1/applications/{applicationId}/mounts': { body: { kind: 'file', mountPath: '/matrix.yml', content: 'changed by the matrix' } },
  'PATCH /api/v1/applications/{applicationId}/mounts/{mountId}': { body: { content: 'changed by the matrix' } },
  'DELETE /api/v1/applications/{applicationId}/mounts/{mountId}': {},
  'POST /api/v1/applications/{applicationId}/deployments': { body: {} },
  'GET /api/v1/applications/{applicationId}/deployments': {},
  'GET /api/v1/deployments/{deploymentId}': {},
  'POST /api/v1/deployments/{deploymentId}/cancel': {},
  'POST /api/v1/deployments/{deploymentId}/rollback': {},
  'GET /api/v1/deployments/{deploymentId}/logs': {},
  'GET /api/v1/deployments/{deploymentId}/logs/download': {},
  'GET /api/v1/applications/{applicationId}/webhook': {},
  'POST /api/v1/applications/{applicationId}/webhook-secret': {},
  'GET /api/v1/applications/{applicationId}/webhook-deliveries': {},
  'POST /api/v1/applications/{applicationId}/deploy-key': {},
  'POST /api/v1/applications/{applicationId}/git-host-key/forget': {},
  'GET /api/v1/applications/{applicationId}/previews': {},
  'DELETE /api/v1/applications/{applicationId}/previews/{previewId}': {},
  'GET /api/v1/applications/{applicationId}/preview-env': {},
  'PUT /api/v1/applications/{applicationId}/preview-env': { body: { dotenv: 'MATRIX_KEY=changed by the matrix' } },
  'PUT /api/v1/applications/{applicationId}/preview-env/{key}': { body: { value: 'changed by the matrix' } },
  'DELETE /api/v1/applications/{applicationId}/preview-env/{key}': {},
  'GET /api/v1/databases': { teamHeader: true },
  'POST /api/v1/databases': {
    teamHeader: true,
    body: (ids: Ids) => ({ environmentId: ids.environmentId, serverId: ids.serverId, name: 'matrix-db', engine: 'postgresql' }),
  },
  'GET /api/v1/databases/{databaseId}': {},
  'PATCH /api/v1/databases/{databaseId}': { body: { name: 'matrix-db', memoryLimitMb: 64 } },
  'DELETE /api/v1/databases/{databaseId}': {},
  'POST /api/v1/databases/{databaseId}/start': {},
  'POST /api/v1/databases/{databaseId}/stop': {},
  'POST /api/v1/databases/{databaseId}/restart': {},
  'POST /api/v1/databases/{databaseId}/rotate-password': {},
  'GET /api/v1/databases/{databaseId}/credentials': {},
  'GET /api/v1/databases/{databaseId}/operations': {},
  'GET /api/v1/databases/{databaseId}/operations/{operationId}': {},
  'GET /api/v1/databases/{databaseId}/logs': {},
  'GET /api/v1/databases/{databaseId}/stats': {},
  'GET /api/v1/backups': { teamHeader: true },
  'GET /api/v1/backups/{backupId}': {},
  'DELETE /api/v1/backups/{backupId}': {},
  'POST /api/v1/backups/{backupId}/cancel': {},
  'POST /api/v1/backups/{backupId}/verify': {},
  'POST /api/v1/backups/{backupId}/restores': { body: { target: 'verify' } },
  'GET /api/v1/backups/{backupId}/download': {},
  'POST /api/v1/databases/{databaseId}/backups': { body: (ids: Ids) => ({ destinationId: ids.destinationId }) },
  // The query (destination, name typed again) is read after the access check: none is needed to reach it.
  'POST /api/v1/databases/{databaseId}/restores/upload': {},
  'POST /api/v1/volumes/{volumeId}/backups': { body: (ids: Ids) => ({ destinationId: ids.destinationId }) },
  'GET /api/v1/restores': { teamHeader: true },
  'GET /api/v1/restores/{restoreId}': {},
  'GET /api/v1/backup-destinations': { teamHeader: true },
  'POST /api/v1/backup-destinations': {
    teamHeader: true,
    body: (ids: Ids) => ({ kind: 'server', name: 'matrix-dest', serverId: ids.serverId, path: '/srv/matrix' }),
  },
  'GET /api/v1/backup-destinations/{destinationId}': {},
  'PATCH /api/v1/backup-destinations/{destinationId}': { body: { name: 'matrix-renamed' } },
  'DELETE /api/v1/backup-destinations/{destinationId}': {},
  'POST /api/v1/backup-destinations/{destinationId}/check': {},
  'GET /api/v1/backup-destinations/{destinationId}/key': {},
  'GET /api/v1/backup-schedules': { teamHeader: true },
  'POST /api/v1/backup-schedules': {
    teamHeader: true,
    body: (ids: Ids) => ({ databaseId: ids.databaseId, destinationId: ids.destinationId, cron: '0 3 * * *', retentionCount: 3 }),
  },
  'GET /api/v1/backup-schedules/{scheduleId}': {},
  'PATCH /api/v1/backup-schedules/{scheduleId}': { body: { enabled: false } },
  'DELETE /api/v1/backup-schedules/{scheduleId}': {},
  'GET /api/v1/notification-channels': { teamHeader: true },
  'POST /api/v1/notification-channels': { teamHeader: true, body: MATRIX_CHANNEL },
  // Sends nothing here: every caller of the matrix is refused before the job would be queued.
  'POST /api/v1/notification-channels/test': { teamHeader: true, body: { kind: MATRIX_CHANNEL.kind, secrets: MATRIX_CHANNEL.secrets } },
  'GET /api/v1/notification-channels/{channelId}': {},
  'PATCH /api/v1/notification-channels/{channelId}': { body: { name: 'matrix-renamed' } },
  'DELETE /api/v1/notification-channels/{channelId}': {},
  'POST /api/v1/notification-channels/{channelId}/test': {},
  'GET /api/v1/notification-channels/{channelId}/deliveries': {},
  'GET /api/v1/notifications': { teamHeader: true },
  'GET /api/v1/notifications/unread-count': { teamHeader: true },
  'POST /api/v1/notifications/read': { teamHeader: true, body: { all: true } },
};
const bodyFor = (route: string, ids: Ids) => {
  const body = TEAM_SCOPED[route]?.body;
  return typeof body === 'function' ? (body as (ids: Ids) => unknown)(ids) : body;
};

/**
 * The ability each team-scoped route needs. A token holding only another ability gets 403 on it,
 * and changes nothing; a route that asks for less than listed here fails the walk.
 */
const R = Ability.Read;
const W = Ability.Write;
const D = Ability.Deploy;
const ADMIN = Ability.Admin;
const REQUIRED: Record<string, Ability> = {
  'GET /api/v1/audit-events': ADMIN,
  'GET /api/v1/teams/{teamId}/members': R,
  'PATCH /api/v1/teams/{teamId}/members/{userId}': ADMIN,
  'DELETE /api/v1/teams/{teamId}/members/{userId}': ADMIN,
  'POST /api/v1/teams/{teamId}/members/{userId}/password-reset': ADMIN,
  'GET /api/v1/teams/{teamId}/invitations': ADMIN,
  'POST /api/v1/teams/{teamId}/invitations': ADMIN,
  'DELETE /api/v1/teams/{teamId}/invitations/{invitationId}': ADMIN,
  'POST /api/v1/teams/{teamId}/invitations/{invitationId}/resend': ADMIN,
  // A token may list, create and revoke tokens within what it holds itself (the service checks the rest).
  'GET /api/v1/teams/{teamId}/api-tokens': R,
  'POST /api/v1/teams/{teamId}/api-tokens': R,
  'DELETE /api/v1/teams/{teamId}/api-tokens/{tokenId}': R,
  'GET /api/v1/ssh-keys': R,
  'POST /api/v1/ssh-keys': ADMIN,
  'DELETE /api/v1/ssh-keys/{sshKeyId}': ADMIN,
  'GET /api/v1/servers': R,
  'POST /api/v1/servers': ADMIN,
  'GET /api/v1/servers/{serverId}': R,
  'PATCH /api/v1/servers/{serverId}': ADMIN,
  'POST /api/v1/servers/{serverId}/validate': ADMIN,
  'POST /api/v1/servers/{serverId}/trust-host-key': ADMIN,
  'DELETE /api/v1/servers/{serverId}': ADMIN,
  'PUT /api/v1/servers/{serverId}/allowed-bind-roots': ADMIN,
  'GET /api/v1/servers/{serverId}/volumes/orphaned': R,
  'DELETE /api/v1/servers/{serverId}/volumes/{dockerName}': W,
  'GET /api/v1/servers/{serverId}/containers': R,
  'GET /api/v1/servers/{serverId}/containers/{containerId}': R,
  'GET /api/v1/servers/{serverId}/containers/{containerId}/logs': R,
  'POST /api/v1/servers/{serverId}/containers/{containerId}/{action}': W,
  'DELETE /api/v1/servers/{serverId}/containers/{containerId}': W,
  'POST /api/v1/servers/{serverId}/commands': ADMIN,
  'GET /api/v1/servers/{serverId}/commands': ADMIN,
  'GET /api/v1/servers/{serverId}/commands/{runId}': ADMIN,
  'POST /api/v1/servers/{serverId}/commands/{runId}/cancel': ADMIN,
  'GET /api/v1/servers/{serverId}/metrics': R,
  'GET /api/v1/servers/{serverId}/alert-rules': R,
  'POST /api/v1/servers/{serverId}/alert-rules': W,
  'PATCH /api/v1/servers/{serverId}/alert-rules/{ruleId}': W,
  'DELETE /api/v1/servers/{serverId}/alert-rules/{ruleId}': W,
  'GET /api/v1/servers/{serverId}/alerts': R,
  'GET /api/v1/alerts': R,
  'GET /api/v1/projects': R,
  'POST /api/v1/projects': W,
  'GET /api/v1/projects/{projectId}': R,
  'PATCH /api/v1/projects/{projectId}': W,
  'DELETE /api/v1/projects/{projectId}': W,
  'GET /api/v1/projects/{projectId}/environments': R,
  'POST /api/v1/projects/{projectId}/environments': W,
  'DELETE /api/v1/environments/{environmentId}': W,
  'GET /api/v1/environments/{environmentId}/env': R,
  'PUT /api/v1/environments/{environmentId}/env': W,
  'PUT /api/v1/environments/{environmentId}/env/{key}': W,
  'DELETE /api/v1/environments/{environmentId}/env/{key}': W,
  'GET /api/v1/applications': R,
  'POST /api/v1/applications': W,
  'GET /api/v1/applications/{applicationId}': R,
  'PATCH /api/v1/applications/{applicationId}': W,
  'DELETE /api/v1/applications/{applicationId}': W,
  'GET /api/v1/applications/{applicationId}/env': R,
  'PUT /api/v1/applications/{applicationId}/env': W,
  'PUT /api/v1/applications/{applicationId}/env/{key}': W,
  'DELETE /api/v1/applications/{applicationId}/env/{key}': W,
  'GET /api/v1/applications/{applicationId}/volumes': R,
  'POST /api/v1/applications/{applicationId}/volumes': W,
  'GET /api/v1/applications/{applicationId}/volumes/usage': R,
  'DELETE /api/v1/applications/{applicationId}/volumes/{volumeId}': W,
  'GET /api/v1/applications/{applicationId}/mounts': R,
  'POST /api/v1/applications/{applicationId}/mounts': W,
  'PATCH /api/v1/applications/{applicationId}/mounts/{mountId}': W,
  'DELETE /api/v1/applications/{applicationId}/mounts/{mountId}': W,
  'POST /api/v1/applications/{applicationId}/deployments': D,
  'GET /api/v1/applications/{applicationId}/deployments': R,
  'GET /api/v1/deployments/{deploymentId}': R,
  'POST /api/v1/deployments/{deploymentId}/cancel': D,
  'POST /api/v1/deployments/{deploymentId}/rollback': D,
  'GET /api/v1/deployments/{deploymentId}/logs': R,
  'GET /api/v1/deployments/{deploymentId}/logs/download': R,
  'GET /api/v1/applications/{applicationId}/webhook': R,
  'POST /api/v1/applications/{applicationId}/webhook-secret': W,
  'GET /api/v1/applications/{applicationId}/webhook-deliveries': R,
  'POST /api/v1/applications/{applicationId}/deploy-key': W,
  'POST /api/v1/applications/{applicationId}/git-host-key/forget': W,
  'GET /api/v1/applications/{applicationId}/previews': R,
  'DELETE /api/v1/applications/{applicationId}/previews/{previewId}': W,
  'GET /api/v1/applications/{applicationId}/preview-env': R,
  'PUT /api/v1/applications/{applicationId}/preview-env': W,
  'PUT /api/v1/applications/{applicationId}/preview-env/{key}': W,
  'DELETE /api/v1/applications/{applicationId}/preview-env/{key}': W,
  'GET /api/v1/databases': R,
  'POST /api/v1/databases': W,
  'GET /api/v1/databases/{databaseId}': R,
  'PATCH /api/v1/databases/{databaseId}': W,
  'DELETE /api/v1/databases/{databaseId}': W,
  'POST /api/v1/databases/{databaseId}/start': W,
  'POST /api/v1/databases/{databaseId}/stop': W,
  'POST /api/v1/databases/{databaseId}/restart': W,
  'POST /api/v1/databases/{databaseId}/rotate-password': W,
  'GET /api/v1/databases/{databaseId}/credentials': Ability.ReadSensitive,
  'GET /api/v1/databases/{databaseId}/operations': R,
  'GET /api/v1/databases/{databaseId}/operations/{operationId}': R,
  'GET /api/v1/databases/{databaseId}/logs': R,
  'GET /api/v1/databases/{databaseId}/stats': R,
  'GET /api/v1/backups': R,
  'GET /api/v1/backups/{backupId}': R,
  'DELETE /api/v1/backups/{backupId}': W,
  'POST /api/v1/backups/{backupId}/cancel': W,
  'POST /api/v1/backups/{backupId}/verify': W,
  'POST /api/v1/backups/{backupId}/restores': W,
  // The team's data (encrypted): as sensitive as a database's password.
  'GET /api/v1/backups/{backupId}/download': Ability.ReadSensitive,
  'POST /api/v1/databases/{databaseId}/backups': W,
  'POST /api/v1/databases/{databaseId}/restores/upload': W,
  'POST /api/v1/volumes/{volumeId}/backups': W,
  'GET /api/v1/restores': R,
  'GET /api/v1/restores/{restoreId}': R,
  'GET /api/v1/backup-destinations': R,
  'POST /api/v1/backup-destinations': W,
  'GET /api/v1/backup-destinations/{destinationId}': R,
  'PATCH /api/v1/backup-destinations/{destinationId}': W,
  'DELETE /api/v1/backup-destinations/{destinationId}': W,
  'POST /api/v1/backup-destinations/{destinationId}/check': W,
  'GET /api/v1/backup-destinations/{destinationId}/key': Ability.ReadSensitive,
  'GET /api/v1/backup-schedules': R,
  'POST /api/v1/backup-schedules': W,
  'GET /api/v1/backup-schedules/{scheduleId}': R,
  'PATCH /api/v1/backup-schedules/{scheduleId}': W,
  'DELETE /api/v1/backup-schedules/{scheduleId}': W,
  'GET /api/v1/notification-channels': R,
  // A channel sends the team's events out of Zpanel: adding, changing, testing or deleting one is an admin's.
  'POST /api/v1/notification-channels': ADMIN,
  'POST /api/v1/notification-channels/test': ADMIN,
  'GET /api/v1/notification-channels/{channelId}': R,
  'PATCH /api/v1/notification-channels/{channelId}': ADMIN,
  'DELETE /api/v1/notification-channels/{channelId}': ADMIN,
  'POST /api/v1/notification-channels/{channelId}/test': ADMIN,
  'GET /api/v1/notification-channels/{channelId}/deliveries': R,
  'GET /api/v1/notifications': R,
  'GET /api/v1/notifications/unread-count': R,
  // Read marks are the caller's own: reading is enough.
  'POST /api/v1/notifications/read': R,
};

/** Writes a viewer may make (they change only the viewer's own data): left out of the viewer's 403 walk. */
const VIEWER_MAY = new Set(['POST /api/v1/notifications/read']);

/**
 * Path parameters naming a row that belongs to the resource before it in the path (a member of a
 * team, a run of a server): the matrix also asks for team A's child under team B's own parent.
 */
const CHILD_PARAMS = new Set(['userId', 'invitationId', 'tokenId', 'runId', 'ruleId', 'previewId', 'operationId', 'volumeId', 'mountId']);

/** Body fields that end in Id but name no resource of Zpanel's (an S3 access key's id). */
const NOT_RESOURCE_IDS = new Set(['accessKeyId']);

/** Routes only a signed-in person may use: any API token is refused (403) before an id is looked up. */
const NEVER_WITH_A_TOKEN = new Set([
  'POST /api/v1/teams/{teamId}/members/{userId}/password-reset',
  'PUT /api/v1/servers/{serverId}/allowed-bind-roots',
]);

/**
 * Request bodies that name other resources: each such field, set to team A's resource by team B
 * on its own resources, must be refused with a 400 naming the field (the same as an id that does
 * not exist). Every body property of the API ending in Id must be listed.
 */
const BODY_IDS: Record<string, { field: string; call: (a: Ids, b: Ids) => { path: string; body: Record<string, unknown> } }[]> = {
  'POST /api/v1/notification-channels': [
    {
      field: 'projectIds',
      call: (a) => ({ path: '/api/v1/notification-channels', body: { ...MATRIX_CHANNEL, name: 'b-channel', projectIds: [a.projectId] } }),
    },
    {
      field: 'environmentIds',
      call: (a) => ({ path: '/api/v1/notification-channels', body: { ...MATRIX_CHANNEL, name: 'b-channel', environmentIds: [a.environmentId] } }),
    },
  ],
  'PATCH /api/v1/notification-channels/{channelId}': [
    { field: 'projectIds', call: (a, b) => ({ path: `/api/v1/notification-channels/${b.channelId}`, body: { projectIds: [a.projectId] } }) },
    {
      field: 'environmentIds',
      call: (a, b) => ({ path: `/api/v1/notification-channels/${b.channelId}`, body: { environmentIds: [a.environmentId] } }),
    },
  ],
  'POST /api/v1/backup-destinations': [
    {
      field: 'serverId',
      call: (a) => ({ path: '/api/v1/backup-destinations', body: { kind: 'server', name: 'b-dest', serverId: a.serverId, path: '/srv/b' } }),
    },
  ],
  'POST /api/v1/backup-schedules': [
    {
      field: 'databaseId',
      call: (a, b) => ({
        path: '/api/v1/backup-schedules',
        body: { databaseId: a.databaseId, destinationId: b.destinationId, cron: '@daily', retentionCount: 1 },
      }),
    },
    {
      field: 'volumeId',
      call: (a, b) => ({
        path: '/api/v1/backup-schedules',
        body: { volumeId: a.volumeId, destinationId: b.destinationId, cron: '@daily', retentionCount: 1 },
      }),
    },
    {
      field: 'destinationId',
      call: (a, b) => ({
        path: '/api/v1/backup-schedules',
        body: { databaseId: b.databaseId, destinationId: a.destinationId, cron: '@daily', retentionCount: 1 },
      }),
    },
  ],
  'PATCH /api/v1/backup-schedules/{scheduleId}': [
    { field: 'destinationId', call: (a, b) => ({ path: `/api/v1/backup-schedules/${b.scheduleId}`, body: { destinationId: a.destinationId } }) },
  ],
  'POST /api/v1/servers': [
    { field: 'sshKeyId', call: (a) => ({ path: '/api/v1/servers', body: { name: 'b-server', host: '192.0.2.20', sshKeyId: a.sshKeyId } }) },
  ],
  'PATCH /api/v1/servers/{serverId}': [
    { field: 'sshKeyId', call: (a, b) => ({ path: `/api/v1/servers/${b.serverId}`, body: { sshKeyId: a.sshKeyId } }) },
  ],
  'POST /api/v1/applications': [
    {
      field: 'environmentId',
      call: (a, b) => ({
        path: '/api/v1/applications',
        body: { environmentId: a.environmentId, serverId: b.serverId, name: 'b-app', buildPack: 'image', imageReference: 'nginx:1.27', port: 80 },
      }),
    },
    {
      field: 'serverId',
      call: (a, b) => ({
        path: '/api/v1/applications',
        body: { environmentId: b.environmentId, serverId: a.serverId, name: 'b-app', buildPack: 'image', imageReference: 'nginx:1.27', port: 80 },
      }),
    },
    {
      field: 'deployKeyId',
      call: (a, b) => ({
        path: '/api/v1/applications',
        body: {
          environmentId: b.environmentId,
          serverId: b.serverId,
          name: 'b-app',
          buildPack: 'dockerfile',
          gitUrl: 'git@git.example.com:b/app.git',
          gitBranch: 'main',
          deployKeyId: a.sshKeyId,
          port: 80,
        },
      }),
    },
  ],
  'PATCH /api/v1/applications/{applicationId}': [
    { field: 'deployKeyId', call: (a, b) => ({ path: `/api/v1/applications/${b.applicationId}`, body: { deployKeyId: a.sshKeyId } }) },
  ],
  'POST /api/v1/databases/{databaseId}/backups': [
    {
      field: 'destinationId',
      call: (a, b) => ({ path: `/api/v1/databases/${b.databaseId}/backups`, body: { destinationId: a.destinationId } }),
    },
  ],
  'POST /api/v1/volumes/{volumeId}/backups': [
    { field: 'destinationId', call: (a, b) => ({ path: `/api/v1/volumes/${b.volumeId}/backups`, body: { destinationId: a.destinationId } }) },
  ],
  'POST /api/v1/databases': [
    {
      field: 'environmentId',
      call: (a, b) => ({ path: '/api/v1/databases', body: { environmentId: a.environmentId, serverId: b.serverId, name: 'b-db', engine: 'redis' } }),
    },
    {
      field: 'serverId',
      call: (a, b) => ({ path: '/api/v1/databases', body: { environmentId: b.environmentId, serverId: a.serverId, name: 'b-db', engine: 'redis' } }),
    },
  ],
};

/** Every live subscription kind of the socket gateway, naming team A's resources. */
// Partial so a kind added to the contracts fails the coverage check below, not the build.
const LIVE: Partial<Record<LiveKind, (ids: Ids) => LiveSubscribeRequest>> = {
  team: (ids) => ({ kind: 'team', teamId: ids.teamId }),
  server: (ids) => ({ kind: 'server', serverId: ids.serverId }),
  'command-run': (ids) => ({ kind: 'command-run', runId: ids.commandRunId }),
  'container-logs': (ids) => ({ kind: 'container-logs', serverId: ids.serverId, containerId: ids.containerId }),
  'deployment-logs': (ids) => ({ kind: 'deployment-logs', deploymentId: ids.deploymentId }),
  'database-operation': (ids) => ({ kind: 'database-operation', operationId: ids.operationId }),
  backup: (ids) => ({ kind: 'backup', backupId: ids.backupId }),
  restore: (ids) => ({ kind: 'restore', restoreId: ids.restoreId }),
  notifications: (ids) => ({ kind: 'notifications', teamId: ids.teamId }),
};

const PASSWORD = 'isolation matrix passphrase';

describe('tenancy isolation matrix (every API route)', () => {
  const suite = useOwnedStack();
  let ownerA: SignedIn;
  let viewerA: { accessToken: string; userId: string };
  let memberA: { accessToken: string; userId: string };
  let outsiderB: { accessToken: string; userId: string };
  let invitationA: string;
  let tokenA: string;
  let sshKeyA: string;
  let serverA: string;
  let commandRunA: string;
  let alertRuleA: string;
  let projectA: string;
  let environmentA: string;
  let applicationA: string;
  let deploymentA: string;
  let previewA: string;
  let databaseA: string;
  let operationA: string;
  let volumeA: string;
  let mountA: string;
  let destinationA: string;
  let backupA: string;
  let restoreA: string;
  let scheduleA: string;
  let channelA: string;
  let tokenOfB: string;
  let idsOfB: Ids;
  /** Team A's API tokens holding one ability each. */
  const singleAbilityTokens = new Map<Ability, string>();
  let routes: string[];
  let doc: {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };

  const call = apiCaller(() => suite.stack.baseUrl);
  const inTeam = (teamId: string | undefined): Record<string, string> => (teamId ? { [TEAM_HEADER]: teamId } : {});

  const register = (teamId: string, email: string, role: Role) =>
    joinTeam(call, { accessToken: ownerA.accessToken, teamId }, email, role, { password: PASSWORD });

  /** Everything team A has that the routes can read or change, as its owner sees it. */
  const snapshotA = async () =>
    JSON.stringify([
      (await call('GET', `/api/v1/teams/${ownerA.teamId}/members?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/teams/${ownerA.teamId}/invitations?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', '/api/v1/ssh-keys?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', '/api/v1/servers?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', `/api/v1/servers/${serverA}/commands?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/servers/${serverA}/alert-rules?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/servers/${serverA}/alerts?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', '/api/v1/projects?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', `/api/v1/projects/${projectA}/environments?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', '/api/v1/applications?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      // The owner may read secrets: a value changed by the matrix would show.
      (await call('GET', `/api/v1/applications/${applicationA}/env`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/environments/${environmentA}/env`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/deployments?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/deployments/${deploymentA}`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/webhook`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/webhook-deliveries?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/previews?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/preview-env`, ownerA.accessToken)).body,
      (await call('GET', '/api/v1/databases?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', `/api/v1/databases/${databaseA}/operations?perPage=100`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/volumes`, ownerA.accessToken)).body,
      (await call('GET', `/api/v1/applications/${applicationA}/mounts`, ownerA.accessToken)).body,
      (await call('GET', '/api/v1/backups?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', '/api/v1/restores?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', '/api/v1/backup-destinations', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', '/api/v1/backup-schedules?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', '/api/v1/notification-channels', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (await call('GET', `/api/v1/notification-channels/${channelA}/deliveries?perPage=100`, ownerA.accessToken)).body,
      // With the owner's read marks: a mark made through the matrix would show.
      (await call('GET', '/api/v1/notifications?perPage=100', ownerA.accessToken, undefined, { [TEAM_HEADER]: ownerA.teamId })).body,
      (
        (await call('GET', `/api/v1/teams/${ownerA.teamId}/api-tokens?perPage=100`, ownerA.accessToken)).body as { items: { lastUsedAt: unknown }[] }
      ).items.map((t) => ({ ...t, lastUsedAt: null })),
    ]);

  /** Path parameters and subscription fields naming team A's resources. */
  const idsOfA = (): Ids => ({
    teamId: ownerA.teamId,
    userId: memberA.userId,
    invitationId: invitationA,
    tokenId: tokenA,
    sshKeyId: sshKeyA,
    serverId: serverA,
    ruleId: alertRuleA,
    runId: commandRunA,
    commandRunId: commandRunA,
    containerId: 'matrix-app',
    action: 'stop',
    projectId: projectA,
    environmentId: environmentA,
    applicationId: applicationA,
    key: 'MATRIX_KEY',
    deploymentId: deploymentA,
    previewId: previewA,
    databaseId: databaseA,
    operationId: operationA,
    volumeId: volumeA,
    mountId: mountA,
    destinationId: destinationA,
    backupId: backupA,
    restoreId: restoreA,
    scheduleId: scheduleA,
    channelId: channelA,
    // The server's team is checked first: no worker runs here to look the volume up.
    dockerName: `zp-volume-${applicationA.replace(/-/g, '')}-data`,
  });

  const markValidated = async (serverId: string) => {
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    await db.query(`UPDATE servers SET status = 'ready', host_key_fingerprint = 'SHA256:matrix' WHERE id = $1`, [serverId]);
    await db.end();
  };

  /** A server-directory destination of the team and a schedule of the database writing there; their ids. */
  const seedBackupRows = async (teamId: string, databaseId: string): Promise<[string, string]> => {
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    const destination = await db.query(
      `INSERT INTO backup_destinations (team_id, name, kind, server_id, path, data_key, data_key_id)
       SELECT team_id, 'matrix-backups', 'server', server_id, '/srv/backups', 'sealed', 'matrixkey' FROM databases WHERE id = $1 RETURNING id`,
      [databaseId],
    );
    const schedule = await db.query(
      `INSERT INTO backup_schedules (team_id, source_kind, database_id, destination_id, cron, retention_count) VALUES ($1, 'database', $2, $3, '0 3 * * *', 7) RETURNING id`,
      [teamId, databaseId, destination.rows[0].id],
    );
    await db.end();
    return [destination.rows[0].id as string, schedule.rows[0].id as string];
  };

  const fill = (route: string, ids: Record<string, string>) =>
    route.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (!ids[name]) throw new Error(`no id for path parameter {${name}} in ${route}: add it to the matrix`);
      return ids[name];
    });

  beforeAll(async () => {
    ownerA = suite.owner;
    viewerA = await register(ownerA.teamId, 'viewer@example.com', Role.Viewer);
    memberA = await register(ownerA.teamId, 'member@example.com', Role.Member);
    // B belongs to a team of its own, and never to A.
    const side = (await call('POST', '/api/v1/teams', ownerA.accessToken, { name: 'Staging' })).body as { teamId: string };
    outsiderB = await register(side.teamId, 'outsider@example.com', Role.Owner);
    await call('POST', '/api/v1/teams', outsiderB.accessToken, { name: 'Team B' });
    invitationA = (
      (await call('POST', `/api/v1/teams/${ownerA.teamId}/invitations`, ownerA.accessToken, { email: 'pending@example.com', role: Role.Member }))
        .body as CreatedInvitationResponse
    ).id;

    tokenA = (
      (
        await call('POST', `/api/v1/teams/${ownerA.teamId}/api-tokens`, ownerA.accessToken, {
          name: 'ci',
          abilities: ['read', 'write', 'deploy', 'admin'],
        })
      ).body as { id: string }
    ).id;
    const teamB = ((await call('GET', '/api/v1/teams', outsiderB.accessToken)).body as { items: { teamId: string; teamName: string }[] }).items.find(
      (t) => t.teamName === 'Team B',
    ) as { teamId: string };
    tokenOfB = (
      (
        await call('POST', `/api/v1/teams/${teamB.teamId}/api-tokens`, outsiderB.accessToken, {
          name: 'b',
          abilities: ['read', 'write', 'deploy', 'admin'],
        })
      ).body as { token: string }
    ).token;

    const teamA = { [TEAM_HEADER]: ownerA.teamId };
    sshKeyA = ((await call('POST', '/api/v1/ssh-keys', ownerA.accessToken, { name: 'deploy' }, teamA)).body as { id: string }).id;
    serverA = (
      (await call('POST', '/api/v1/servers', ownerA.accessToken, { name: 'web-1', host: '192.0.2.10', sshKeyId: sshKeyA }, teamA)).body as {
        id: string;
      }
    ).id;
    // No worker runs here: the run stays queued, so a cancel that got through would show in the snapshot.
    commandRunA = ((await call('POST', `/api/v1/servers/${serverA}/commands`, ownerA.accessToken, { command: 'uptime' })).body as { id: string }).id;
    // Its default rule, with an open alert (no worker runs here to open one) so reads have something to leak.
    alertRuleA = (
      (await call('GET', `/api/v1/servers/${serverA}/alert-rules`, ownerA.accessToken)).body as { items: { id: string; metric: string }[] }
    ).items.find((r) => r.metric === 'disk')?.id as string;
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    await db.query(
      `INSERT INTO alert_events (team_id, server_id, rule_id, metric, operator, threshold, value, message) VALUES ($1, $2, $3, 'disk', '>', 80, 91, 'Disk 91 % > 80 % on web-1')`,
      [ownerA.teamId, serverA, alertRuleA],
    );
    await db.end();
    projectA = ((await call('POST', '/api/v1/projects', ownerA.accessToken, { name: 'Shop' }, teamA)).body as { id: string }).id;
    environmentA = ((await call('GET', `/api/v1/projects/${projectA}/environments`, ownerA.accessToken)).body as { items: { id: string }[] }).items[0]
      .id;
    const application = {
      environmentId: environmentA,
      serverId: serverA,
      name: 'shop',
      buildPack: 'image',
      imageReference: 'nginx:1.27',
      port: 80,
      domains: ['shop.example.com'],
    };
    applicationA = ((await call('POST', '/api/v1/applications', ownerA.accessToken, application, teamA)).body as { id: string }).id;
    await call('PUT', `/api/v1/applications/${applicationA}/env/MATRIX_KEY`, ownerA.accessToken, { value: 'application value' });
    await call('PUT', `/api/v1/environments/${environmentA}/env/MATRIX_KEY`, ownerA.accessToken, { value: 'environment value' });
    await call('PUT', `/api/v1/applications/${applicationA}/preview-env/MATRIX_KEY`, ownerA.accessToken, { value: 'preview value' });
    volumeA = (
      (await call('POST', `/api/v1/applications/${applicationA}/volumes`, ownerA.accessToken, { name: 'data', mountPath: '/data' })).body as {
        id: string;
      }
    ).id;
    mountA = (
      (
        await call('POST', `/api/v1/applications/${applicationA}/mounts`, ownerA.accessToken, {
          kind: 'file',
          mountPath: '/config.yml',
          content: 'a: 1',
        })
      ).body as { id: string }
    ).id;
    // A preview as a pull request would leave it (webhooks.e2e-spec.ts and previews.e2e-spec.ts make real ones).
    const previewDb = new Client({ connectionString: suite.stack.databaseUrl });
    await previewDb.connect();
    previewA = (
      await previewDb.query(
        `INSERT INTO applications (team_id, project_id, environment_id, server_id, name, build_pack, image_reference, port, health_check, preview_of_id, preview_number, preview_provider, preview_ref, preview_title)
         SELECT team_id, project_id, environment_id, server_id, 'shop-pr-3', build_pack, image_reference, port, health_check, id, 3, 'github', 'refs/pull/3/head', 'Matrix' FROM applications WHERE id = $1 RETURNING id`,
        [applicationA],
      )
    ).rows[0].id as string;
    await previewDb.end();
    // No worker runs here: the deployment stays queued, so a cancel or a newer deployment that got through would show in the snapshot.
    deploymentA = ((await call('POST', `/api/v1/applications/${applicationA}/deployments`, ownerA.accessToken, {})).body as { id: string }).id;
    // A database wants a validated server: as validation would leave it (no worker runs here). Its create
    // operation stays queued, so any other operation that got through would show in the snapshot (or as a 409).
    await markValidated(serverA);
    const databaseAndOperation = (
      await call(
        'POST',
        '/api/v1/databases',
        ownerA.accessToken,
        { environmentId: environmentA, serverId: serverA, name: 'orders', engine: 'postgresql' },
        teamA,
      )
    ).body as { database: { id: string }; operation: { id: string } };
    databaseA = databaseAndOperation.database.id;
    operationA = databaseAndOperation.operation.id;
    // A destination as saving one would leave it; a backup as the worker would leave it (succeeded), and a
    // verification of it that stays queued (no worker runs here), so a run that got through would show.
    const backupDb = new Client({ connectionString: suite.stack.databaseUrl });
    await backupDb.connect();
    const addDestination = async (teamId: string, serverId: string) =>
      (
        await backupDb.query(
          `INSERT INTO backup_destinations (team_id, name, kind, server_id, path, data_key, data_key_id) VALUES ($1, 'matrix', 'server', $2, '/srv/backups', 'sealed', 'key') RETURNING id`,
          [teamId, serverId],
        )
      ).rows[0].id as string;
    destinationA = await addDestination(ownerA.teamId, serverA);
    backupA = (
      (await call('POST', `/api/v1/databases/${databaseA}/backups`, ownerA.accessToken, { destinationId: destinationA })).body as { id: string }
    ).id;
    await backupDb.query(
      `UPDATE backups SET status = 'succeeded', started_at = now(), finished_at = now(), location = 'matrix.zpbk', size_bytes = 1, sha256 = repeat('ab', 32) WHERE id = $1`,
      [backupA],
    );
    restoreA = ((await call('POST', `/api/v1/backups/${backupA}/verify`, ownerA.accessToken)).body as { id: string }).id;
    await backupDb.end();
    // A schedule of A's database, on a destination of its own (saving one through the API runs the worker's storage check).
    [, scheduleA] = await seedBackupRows(ownerA.teamId, databaseA);

    // A channel as saving one would leave it (no secrets needed to be listed), with one delivery of an unread event.
    const notificationDb = new Client({ connectionString: suite.stack.databaseUrl });
    await notificationDb.connect();
    const addChannel = async (teamId: string) =>
      (
        await notificationDb.query(
          `INSERT INTO notification_channels (team_id, name, kind, enabled, settings, secrets_set, events) VALUES ($1, 'matrix-channel', 'webhook', true, '{"url":"https://192.0.2.41/hook"}', '{}', '{deployment.failed}') RETURNING id`,
          [teamId],
        )
      ).rows[0].id as string;
    channelA = await addChannel(ownerA.teamId);
    const eventA = (
      await notificationDb.query(
        `INSERT INTO notification_events (team_id, audience, kind, severity, title, message, fanned_out_at) VALUES ($1, 'team', 'deployment.failed', 'error', 'Deployment of shop failed', 'matrix', now()) RETURNING id`,
        [ownerA.teamId],
      )
    ).rows[0].id as string;
    await notificationDb.query(
      `INSERT INTO notification_deliveries (team_id, channel_id, event_id, status, attempts) VALUES ($1, $2, $3, 'succeeded', 1)`,
      [ownerA.teamId, channelA, eventA],
    );
    await notificationDb.end();

    // Team B's own resources, the parents under which the matrix asks for team A's children.
    const asB = (method: string, path: string, body?: unknown) => call(method, path, tokenOfB, body, { [TEAM_HEADER]: teamB.teamId });
    const sshKeyB = ((await asB('POST', '/api/v1/ssh-keys', { name: 'b-key' })).body as { id: string }).id;
    const serverB = ((await asB('POST', '/api/v1/servers', { name: 'b-1', host: '192.0.2.30', sshKeyId: sshKeyB })).body as { id: string }).id;
    const projectB = ((await asB('POST', '/api/v1/projects', { name: 'B shop' })).body as { id: string }).id;
    const environmentB = ((await asB('GET', `/api/v1/projects/${projectB}/environments`)).body as { items: { id: string }[] }).items[0].id;
    const applicationB = (
      (
        await asB('POST', '/api/v1/applications', {
          environmentId: environmentB,
          serverId: serverB,
          name: 'b-shop',
          buildPack: 'image',
          imageReference: 'nginx:1.27',
          port: 80,
        })
      ).body as { id: string }
    ).id;
    await markValidated(serverB);
    const databaseB = (
      (await asB('POST', '/api/v1/databases', { environmentId: environmentB, serverId: serverB, name: 'b-db', engine: 'redis' })).body as {
        database: { id: string };
      }
    ).database.id;
    const [, scheduleB] = await seedBackupRows(teamB.teamId, databaseB);
    const channelB = await (async () => {
      const bDb = new Client({ connectionString: suite.stack.databaseUrl });
      await bDb.connect();
      const id = (
        await bDb.query(
          `INSERT INTO notification_channels (team_id, name, kind, enabled, settings, secrets_set, events) VALUES ($1, 'b-channel', 'webhook', true, '{"url":"https://192.0.2.42/hook"}', '{}', '{deployment.failed}') RETURNING id`,
          [teamB.teamId],
        )
      ).rows[0].id as string;
      await bDb.end();
      return id;
    })();
    idsOfB = {
      channelId: channelB,
      scheduleId: scheduleB,
      teamId: teamB.teamId,
      sshKeyId: sshKeyB,
      serverId: serverB,
      projectId: projectB,
      environmentId: environmentB,
      applicationId: applicationB,
      databaseId: databaseB,
      volumeId: ((await asB('POST', `/api/v1/applications/${applicationB}/volumes`, { name: 'b-data', mountPath: '/data' })).body as { id: string })
        .id,
      destinationId: await (async () => {
        const bDb = new Client({ connectionString: suite.stack.databaseUrl });
        await bDb.connect();
        const id = (
          await bDb.query(
            `INSERT INTO backup_destinations (team_id, name, kind, server_id, path, data_key, data_key_id) VALUES ($1, 'b', 'server', $2, '/srv/b', 'sealed', 'key') RETURNING id`,
            [teamB.teamId, serverB],
          )
        ).rows[0].id as string;
        await bDb.end();
        return id;
      })(),
    };
    for (const ability of Object.values(Ability)) {
      const created = await call('POST', `/api/v1/teams/${ownerA.teamId}/api-tokens`, ownerA.accessToken, {
        name: `only ${ability}`,
        abilities: [ability],
      });
      singleAbilityTokens.set(ability, (created.body as { token: string }).token);
    }

    doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as typeof doc;
    routes = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
  });

  it('covers every route of the API, and lists no route that no longer exists', () => {
    const listed = [...PUBLIC, ...CALLER_SCOPED, ...Object.keys(INSTANCE_OPERATORS), ...Object.keys(TEAM_SCOPED)];
    expect(routes.filter((r) => !listed.includes(r))).toEqual([]);
    expect(listed.filter((r) => !routes.includes(r))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it.each([
    ['a member of team B', () => outsiderB.accessToken],
    ["team B's API token with every ability", () => tokenOfB],
  ])("answers 404 to %s naming team A's resources, and changes nothing", async (_who, credential) => {
    const before = await snapshotA();
    const ids = idsOfA();
    const outcomes: string[] = [];
    for (const [route, { teamHeader }] of Object.entries(TEAM_SCOPED)) {
      const [method, path] = route.split(' ');
      const res = await call(method, fill(path, ids), credential(), bodyFor(route, ids), inTeam(teamHeader && ids.teamId));
      outcomes.push(`${route} -> ${res.status} ${(res.body as ProblemDetails | undefined)?.code ?? ''}`);
    }
    expect(outcomes).toEqual(Object.keys(TEAM_SCOPED).map((route) => `${route} -> 404 not_found`));
    expect(await snapshotA()).toBe(before);
  });

  it('covers every live subscription kind of the socket gateway', () => {
    expect(Object.keys(LIVE).sort()).toEqual([...LIVE_KINDS].sort());
  });

  it.each([
    ['a member of team B', () => outsiderB.accessToken],
    ["team B's API token with every ability", () => tokenOfB],
  ])("refuses %s a live subscription to team A's resources with the 404 of a missing one", async (_who, credential) => {
    const socket = await connectEvents(suite.stack.baseUrl, credential());
    try {
      const outcomes: string[] = [];
      for (const [kind, request] of Object.entries(LIVE)) {
        const { result } = await liveSubscribe(socket, (request as (ids: Ids) => LiveSubscribeRequest)(idsOfA()));
        outcomes.push(`${kind} -> ${result.ok ? 'subscribed' : `${result.status} ${result.code}`}`);
      }
      expect(outcomes).toEqual(Object.keys(LIVE).map((kind) => `${kind} -> 404 not_found`));
    } finally {
      socket.disconnect();
    }
  });

  it("ends every live subscription of team A's API token once the token is revoked", async () => {
    const created = (
      await call('POST', `/api/v1/teams/${ownerA.teamId}/api-tokens`, ownerA.accessToken, { name: 'live', abilities: Object.values(Ability) })
    ).body as { id: string; token: string };
    const socket = await connectEvents(suite.stack.baseUrl, created.token);
    try {
      const ended = new Map<string, string>();
      socket.on('live:ended', (message) => ended.set(message.subscriptionId, message.reason));
      const subscribed: string[] = [];
      for (const [kind, request] of Object.entries(LIVE)) {
        const subscription = await liveSubscribe(socket, (request as (ids: Ids) => LiveSubscribeRequest)(idsOfA()), `${kind}-${created.id}`);
        subscribed.push(`${kind} -> ${subscription.result.ok ? 'subscribed' : subscription.result.status}`);
      }
      expect(subscribed).toEqual(Object.keys(LIVE).map((kind) => `${kind} -> subscribed`));
      expect((await call('DELETE', `/api/v1/teams/${ownerA.teamId}/api-tokens/${created.id}`, ownerA.accessToken)).status).toBe(204);
      const deadline = Date.now() + 15_000;
      while (ended.size < subscribed.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(Object.fromEntries(ended)).toEqual(Object.fromEntries(Object.keys(LIVE).map((kind) => [`${kind}-${created.id}`, 'revoked'])));
    } finally {
      socket.disconnect();
    }
  });

  it('answers 403 to a viewer of team A on every team-scoped write, and changes nothing', async () => {
    const before = await snapshotA();
    const ids = idsOfA();
    const writes = Object.entries(TEAM_SCOPED).filter(([route]) => !route.startsWith('GET ') && !VIEWER_MAY.has(route));
    expect(writes.length).toBeGreaterThan(0);
    const outcomes: string[] = [];
    for (const [route, { teamHeader }] of writes) {
      const [method, path] = route.split(' ');
      const res = await call(method, fill(path, ids), viewerA.accessToken, bodyFor(route, ids), inTeam(teamHeader && ids.teamId));
      outcomes.push(`${route} -> ${res.status}`);
    }
    expect(outcomes).toEqual(writes.map(([route]) => `${route} -> 403`));
    expect(await snapshotA()).toBe(before);
  });

  it("refuses the instance's routes to all but the first team's owners and admin tokens, and changes nothing", async () => {
    const ids = { ...idsOfA(), instanceBackupId: '00000000-0000-4000-8000-000000000000' };
    const before = await snapshotA();
    const refused = [
      outsiderB.accessToken,
      tokenOfB,
      viewerA.accessToken,
      memberA.accessToken,
      ...[...singleAbilityTokens].filter(([ability]) => ability !== Ability.Admin).map(([, token]) => token),
    ];
    const outcomes: string[] = [];
    for (const [route, { body }] of Object.entries(INSTANCE_OPERATORS)) {
      const [method, path] = route.split(' ');
      for (const credential of refused) outcomes.push(`${route} -> ${(await call(method, fill(path, ids), credential, body)).status}`);
    }
    expect(outcomes).toEqual(
      Object.entries(INSTANCE_OPERATORS).flatMap(([route, { refused: status }]) => refused.map(() => `${route} -> ${status}`)),
    );
    expect(await snapshotA()).toEqual(before);
  });

  it('answers 401 on every route that is not public, without a token', async () => {
    const ids = idsOfA();
    const outcomes: string[] = [];
    for (const route of routes.filter((r) => !PUBLIC.has(r))) {
      const [method, path] = route.split(' ');
      const res = await call(
        method,
        fill(path, { ...ids, instanceBackupId: '00000000-0000-4000-8000-000000000000' }),
        undefined,
        bodyFor(route, ids) ?? (method === 'GET' ? undefined : {}),
        inTeam(ids.teamId),
      );
      outcomes.push(`${route} -> ${res.status}`);
    }
    expect(outcomes).toEqual(routes.filter((r) => !PUBLIC.has(r)).map((route) => `${route} -> 401`));
  });

  it('lists the ability of every team-scoped route', () => {
    expect(Object.keys(REQUIRED).sort()).toEqual(Object.keys(TEAM_SCOPED).sort());
  });

  it.each(Object.values(Ability))(
    "answers 403 to team A's token holding only %s on every route that needs another ability, and changes nothing",
    async (ability) => {
      const token = singleAbilityTokens.get(ability) as string;
      const before = await snapshotA();
      const ids = idsOfA();
      const refusedRoutes = Object.keys(TEAM_SCOPED).filter((route) => REQUIRED[route] !== ability);
      const outcomes: string[] = [];
      // A few at a time: the walk is long, and the stack is shared with the rest of the matrix.
      for (let i = 0; i < refusedRoutes.length; i += 4) {
        const batch = refusedRoutes.slice(i, i + 4);
        const answers = await Promise.all(
          batch.map(async (route) => {
            const [method, path] = route.split(' ');
            const res = await call(method, fill(path, ids), token, bodyFor(route, ids), inTeam(TEAM_SCOPED[route].teamHeader && ids.teamId));
            return `${route} -> ${res.status}`;
          }),
        );
        outcomes.push(...answers);
      }
      expect(outcomes).toEqual(refusedRoutes.map((route) => `${route} -> 403`));
      expect(await snapshotA()).toBe(before);
    },
  );

  it.each([
    ['a member of team B', () => outsiderB.accessToken, false],
    ["team B's API token with every ability", () => tokenOfB, true],
  ])("answers 404 to %s asking for team A's children under team B's own parents, and changes nothing", async (_who, credential, isToken) => {
    const before = await snapshotA();
    const a = idsOfA();
    const nested = Object.keys(TEAM_SCOPED).filter((route) => [...route.matchAll(/\{(\w+)\}/g)].some(([, name]) => CHILD_PARAMS.has(name)));
    expect(nested.length).toBeGreaterThanOrEqual(10);
    const outcomes: string[] = [];
    for (const route of nested) {
      const [method, path] = route.split(' ');
      // Parents are B's own (which B may act on), children are A's.
      const ids = Object.fromEntries(Object.entries(a).map(([name, id]) => [name, CHILD_PARAMS.has(name) || !idsOfB[name] ? id : idsOfB[name]]));
      const res = await call(method, fill(path, ids), credential(), bodyFor(route, ids), inTeam(TEAM_SCOPED[route].teamHeader && idsOfB.teamId));
      outcomes.push(`${route} -> ${res.status} ${(res.body as ProblemDetails | undefined)?.code ?? ''}`);
    }
    expect(outcomes).toEqual(nested.map((route) => `${route} -> ${isToken && NEVER_WITH_A_TOKEN.has(route) ? '403 forbidden' : '404 not_found'}`));
    expect(await snapshotA()).toBe(before);
  });

  it('lists every request body field that names another resource', () => {
    const schemaOf = (operation: { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }) => {
      const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      return ref ? doc.components.schemas[ref.split('/').pop() as string] : undefined;
    };
    // Team B is refused the instance's routes (403) before any body is read; an operator's
    // destinationId of a team other than the first is a 400 naming it (instance-backup.e2e-spec.ts).
    const found = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.keys(schemaOf(operation)?.properties ?? {})
          .filter((name) => /Ids?$/.test(name) && !NOT_RESOURCE_IDS.has(name))
          .map((name) => `${method.toUpperCase()} ${path} ${name}`)
          .filter((found) => !Object.keys(INSTANCE_OPERATORS).some((route) => found.startsWith(`${route} `))),
      ),
    );
    const listed = Object.entries(BODY_IDS).flatMap(([route, cases]) => [...new Set(cases.map((c) => `${route} ${c.field}`))]);
    expect(found.sort()).toEqual(listed.sort());
  });

  it.each([
    ['a member of team B', () => outsiderB.accessToken],
    ["team B's API token with every ability", () => tokenOfB],
  ])("refuses %s team A's ids inside request bodies with a 400 naming the field, and changes nothing of A or B", async (_who, credential) => {
    const snapshotB = async () =>
      JSON.stringify([
        (await call('GET', '/api/v1/servers?perPage=100', tokenOfB, undefined, { [TEAM_HEADER]: idsOfB.teamId })).body,
        (await call('GET', '/api/v1/applications?perPage=100', tokenOfB, undefined, { [TEAM_HEADER]: idsOfB.teamId })).body,
      ]);
    const before = [await snapshotA(), await snapshotB()];
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const [route, cases] of Object.entries(BODY_IDS)) {
      for (const { field, call: make } of cases) {
        const { path, body } = make(idsOfA(), idsOfB);
        const res = await call(route.split(' ')[0], path, credential(), body, { [TEAM_HEADER]: idsOfB.teamId });
        const fields = ((res.body as ProblemDetails).errors ?? []).map((e) => e.field);
        outcomes.push(`${route} ${field} -> ${res.status} ${fields.join(',')}`);
        expected.push(`${route} ${field} -> 400 ${field}`);
      }
    }
    expect(outcomes).toEqual(expected);
    expect([await snapshotA(), await snapshotB()]).toEqual(before);
  });

  it('keeps the members it set up in their roles (the matrix itself changed nothing)', async () => {
    const me = (await call('GET', '/api/v1/me', viewerA.accessToken)).body as MeResponse;
    expect(me.teams).toEqual([expect.objectContaining({ teamId: ownerA.teamId, role: 'viewer' })]);
  });
});
