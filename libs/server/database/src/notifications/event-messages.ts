import type {
  AlertMetric,
  AlertOperator,
  BackupTrigger,
  DeploymentStatus,
  DeploymentStep,
  DeploymentTrigger,
  NotificationEventKind,
  ReasonCode,
  RestoreStatus,
  RestoreTarget,
} from '@zpanel/contracts';
import type { NotificationEventInput } from '../repositories/notification-events.repository';

/**
 * The notification events of docs/notifications.md ("Events"), one builder per kind: pure functions
 * from what happened (and where: names looked up by `NotificationPlacesRepository`) to the event
 * the outbox records. Titles say what happened and where; messages why and what to do; `url` is a
 * path of the SPA (apps/web/src/app/routes.tsx). Names are passed through as plain text: the senders
 * escape for their markup. Never a secret: no variable values, connection strings or URLs with
 * credentials, only names, ids, reasons chosen for people (ReasonError) and figures.
 */

/** Where an application or a database lives: its team, project and environment. */
export interface EnvironmentPlace {
  teamId: string;
  projectId: string;
  environmentId: string;
  environmentName: string;
}

export interface ApplicationPlace extends EnvironmentPlace {
  applicationId: string;
  applicationName: string;
  /** Set on a preview: the application it previews, its name and the pull request number. */
  previewOfId: string | null;
  previewOfName: string | null;
  previewNumber: number | null;
}

export interface DatabasePlace extends EnvironmentPlace {
  databaseId: string;
  databaseName: string;
  engine: string;
}

export interface VolumePlace extends ApplicationPlace {
  volumeId: string;
  volumeName: string;
}

export interface ServerPlace {
  teamId: string;
  serverId: string;
  serverName: string;
}

/** What a backup, a restore or a schedule is of; `instance`: Zpanel's own PostgreSQL, reported to the instance's first team. */
export type BackupSourcePlace = ({ kind: 'database' } & DatabasePlace) | ({ kind: 'volume' } & VolumePlace) | { kind: 'instance'; teamId: string };

type EventData = Record<string, string | number | boolean | null>;

/** Reasons are chosen for people, but are cut so that one wordy tool answer does not fill a chat message. */
const REASON_LENGTH = 600;

function reasonText(reason: string | null | undefined, fallback: string): string {
  const text = (reason ?? '').trim();
  if (!text) return fallback;
  return text.length > REASON_LENGTH ? `${text.slice(0, REASON_LENGTH - 1)}…` : text;
}

function shortCommit(sha: string | null | undefined): string | null {
  return sha ? sha.slice(0, 12) : null;
}

function placeIds(place: EnvironmentPlace): Pick<NotificationEventInput, 'teamId' | 'projectId' | 'environmentId'> {
  return { teamId: place.teamId, projectId: place.projectId, environmentId: place.environmentId };
}

// ---------------------------------------------------------------------------------------------
// Deployments and previews

/** A deployment as its events need it (a `deployments` row has these fields). */
export interface DeploymentFacts {
  id: string;
  trigger: DeploymentTrigger;
  commitSha: string | null;
  gitTag?: string | null;
  step: DeploymentStep;
  reason?: string | null;
  reasonCode?: ReasonCode | null;
}

/** "api (production)", or for a preview "preview #12 of api (production)". */
function applicationWhere(place: ApplicationPlace): string {
  if (place.previewOfId && place.previewNumber !== null)
    return `preview #${place.previewNumber} of ${place.previewOfName ?? place.applicationName} (${place.environmentName})`;
  return `${place.applicationName} (${place.environmentName})`;
}

function deploymentUrl(place: ApplicationPlace, deploymentId: string): string {
  return `/applications/${place.applicationId}/deployments/${deploymentId}`;
}

function deploymentData(place: ApplicationPlace, deployment: DeploymentFacts): EventData {
  return {
    deploymentId: deployment.id,
    applicationId: place.applicationId,
    previewOfId: place.previewOfId,
    previewNumber: place.previewNumber,
    trigger: deployment.trigger,
    commit: deployment.commitSha,
    tag: deployment.gitTag ?? null,
    step: deployment.step,
    reasonCode: deployment.reasonCode ?? null,
  };
}

function deploymentEvent(
  kind: NotificationEventKind,
  severity: NotificationEventInput['severity'],
  place: ApplicationPlace,
  deployment: DeploymentFacts,
  title: string,
  message: string,
): NotificationEventInput {
  return {
    ...placeIds(place),
    kind,
    severity,
    title,
    message,
    url: deploymentUrl(place, deployment.id),
    subject: { type: 'deployment', id: deployment.id, name: place.applicationName },
    data: deploymentData(place, deployment),
  };
}

/** "commit 1a2b3c4d5e6f (tag v1.2), asked by webhook" */
function deploymentOrigin(deployment: DeploymentFacts): string {
  const commit = shortCommit(deployment.commitSha);
  const parts = [commit ? `commit ${commit}` : null, deployment.gitTag ? `tag ${deployment.gitTag}` : null].filter(Boolean);
  const what = parts.length ? `${parts.join(', ')}, ` : '';
  return `${what}trigger: ${deployment.trigger}`;
}

export function deploymentStartedEvent(place: ApplicationPlace, deployment: DeploymentFacts): NotificationEventInput {
  return deploymentEvent(
    'deployment.started',
    'info',
    place,
    deployment,
    `Deployment of ${applicationWhere(place)} started`,
    `A worker started the deployment (${deploymentOrigin(deployment)}). Follow its log on the deployment page.`,
  );
}

export function deploymentSucceededEvent(place: ApplicationPlace, deployment: DeploymentFacts): NotificationEventInput {
  return deploymentEvent(
    'deployment.succeeded',
    'success',
    place,
    deployment,
    `Deployment of ${applicationWhere(place)} succeeded`,
    `The new version is live (${deploymentOrigin(deployment)}).`,
  );
}

export function deploymentFailedEvent(place: ApplicationPlace, deployment: DeploymentFacts): NotificationEventInput {
  const reason = reasonText(deployment.reason, 'No reason was recorded.');
  return deploymentEvent(
    'deployment.failed',
    'error',
    place,
    deployment,
    `Deployment of ${applicationWhere(place)} failed`,
    `Failed at the ${deployment.step} step: ${reason}\n` +
      `(${deploymentOrigin(deployment)}.) The version that was live keeps serving. Read the log on the deployment page, fix the cause and deploy again.`,
  );
}

export function deploymentCancelledEvent(place: ApplicationPlace, deployment: DeploymentFacts): NotificationEventInput {
  const before = deployment.step === 'queued';
  return deploymentEvent(
    'deployment.cancelled',
    'warning',
    place,
    deployment,
    `Deployment of ${applicationWhere(place)} cancelled`,
    `${before ? 'Cancelled before it started' : `Cancelled at the ${deployment.step} step`} (${deploymentOrigin(deployment)}). ` +
      'The version that was live keeps serving; deploy again when ready.',
  );
}

/** A preview's deployment succeeded: the pull request's preview is live. */
export function previewDeployedEvent(place: ApplicationPlace, deployment: DeploymentFacts): NotificationEventInput {
  return deploymentEvent(
    'preview.deployed',
    'success',
    place,
    deployment,
    `Preview #${place.previewNumber ?? '?'} of ${place.previewOfName ?? place.applicationName} (${place.environmentName}) deployed`,
    `The preview of pull request #${place.previewNumber ?? '?'} is live (${deploymentOrigin(deployment)}).`,
  );
}

/** Why a preview went: the pull request closed, previews turned off, or a person deleted it or its application. */
export type PreviewRemovalCause = 'closed' | 'disabled' | 'deleted';

export function previewRemovedEvent(place: ApplicationPlace, cause: PreviewRemovalCause): NotificationEventInput {
  const why = {
    closed: 'its pull request was closed',
    disabled: 'previews were turned off for the application',
    deleted: 'it was deleted',
  }[cause];
  const parentId = place.previewOfId ?? place.applicationId;
  return {
    ...placeIds(place),
    kind: 'preview.removed',
    severity: 'info',
    title: `Preview #${place.previewNumber ?? '?'} of ${place.previewOfName ?? place.applicationName} (${place.environmentName}) removed`,
    message: `The preview was removed because ${why}; its containers and volumes are being cleaned up.`,
    url: `/applications/${parentId}/previews`,
    subject: { type: 'application', id: place.applicationId, name: place.applicationName },
    data: { applicationId: place.applicationId, previewOfId: place.previewOfId, previewNumber: place.previewNumber, cause },
  };
}

/**
 * The event of a deployment that ended with `status`: succeeded (preview.deployed for a preview),
 * failed, cancelled; null for `superseded` (replaced before it started: nothing to tell) and for
 * statuses that are not an end.
 */
export function deploymentFinishedEvent(
  place: ApplicationPlace,
  deployment: DeploymentFacts & { status: DeploymentStatus },
): NotificationEventInput | null {
  switch (deployment.status) {
    case 'success':
      return place.previewOfId ? previewDeployedEvent(place, deployment) : deploymentSucceededEvent(place, deployment);
    case 'failed':
      return deploymentFailedEvent(place, deployment);
    case 'cancelled':
      return deploymentCancelledEvent(place, deployment);
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Backups and restores

export interface BackupFacts {
  id: string;
  trigger: BackupTrigger;
  scheduleId: string | null;
  sizeBytes?: string | number | null;
  reason?: string | null;
  reasonCode?: ReasonCode | null;
  destinationName?: string | null;
}

/** "database orders (production)", "volume data of api (production)", "Zpanel's own database". */
export function backupSourceLabel(source: BackupSourcePlace): string {
  switch (source.kind) {
    case 'database':
      return `database ${source.databaseName} (${source.environmentName})`;
    case 'volume':
      return `volume ${source.volumeName} of ${source.applicationName} (${source.environmentName})`;
    case 'instance':
      return "Zpanel's own database";
  }
}

/** The page listing the source's backups. */
export function backupsUrl(source: BackupSourcePlace): string {
  switch (source.kind) {
    case 'database':
      return `/databases/${source.databaseId}/backups`;
    case 'volume':
      return `/applications/${source.applicationId}/volumes/${source.volumeId}/backups`;
    case 'instance':
      return '/system';
  }
}

function sourceIds(source: BackupSourcePlace): Pick<NotificationEventInput, 'teamId' | 'projectId' | 'environmentId'> {
  return source.kind === 'instance' ? { teamId: source.teamId, projectId: null, environmentId: null } : placeIds(source);
}

function sourceData(source: BackupSourcePlace): EventData {
  return {
    sourceKind: source.kind,
    databaseId: source.kind === 'database' ? source.databaseId : null,
    volumeId: source.kind === 'volume' ? source.volumeId : null,
    applicationId: source.kind === 'volume' ? source.applicationId : null,
  };
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${Math.round(value * 10) / 10} ${units[unit]}`;
}

function backupEvent(
  kind: NotificationEventKind,
  severity: NotificationEventInput['severity'],
  source: BackupSourcePlace,
  backup: BackupFacts,
  title: string,
  message: string,
  data: EventData = {},
): NotificationEventInput {
  return {
    ...sourceIds(source),
    kind,
    severity,
    title,
    message,
    url: backupsUrl(source),
    subject: { type: 'backup', id: backup.id, name: backupSourceLabel(source) },
    data: {
      backupId: backup.id,
      ...sourceData(source),
      scheduleId: backup.scheduleId,
      trigger: backup.trigger,
      ...data,
    },
  };
}

export function backupSucceededEvent(source: BackupSourcePlace, backup: BackupFacts & { verifying: boolean }): NotificationEventInput {
  const size = backup.sizeBytes === null || backup.sizeBytes === undefined ? null : Number(backup.sizeBytes);
  const where = backup.destinationName ? ` to ${backup.destinationName}` : '';
  const sizeText = size === null ? '' : ` (${formatBytes(size)})`;
  return backupEvent(
    'backup.succeeded',
    'success',
    source,
    backup,
    `Backup of ${backupSourceLabel(source)} succeeded`,
    `Stored and checked${where}${sizeText}, trigger: ${backup.trigger}.${backup.verifying ? ' A verification restore follows.' : ''}`,
    { sizeBytes: size, destinationName: backup.destinationName ?? null, verifying: backup.verifying },
  );
}

export function backupFailedEvent(source: BackupSourcePlace, backup: BackupFacts): NotificationEventInput {
  const reason = reasonText(backup.reason, 'No reason was recorded.');
  return backupEvent(
    'backup.failed',
    'error',
    source,
    backup,
    `Backup of ${backupSourceLabel(source)} failed`,
    `${reason}\n(trigger: ${backup.trigger}.) Nothing was stored. Read the backup's log, fix the cause and back up again.`,
    { reasonCode: backup.reasonCode ?? null, destinationName: backup.destinationName ?? null },
  );
}

/** The verification restore of a stored backup ended `mismatch` (restored, but not what the dump recorded) or `failed` (could not be restored). */
export function backupUnverifiedEvent(
  source: BackupSourcePlace,
  backup: BackupFacts & { verification: 'mismatch' | 'failed'; detail: string | null; restoreId: string | null },
): NotificationEventInput {
  const detail = reasonText(backup.detail, 'No detail was recorded.');
  const what =
    backup.verification === 'mismatch'
      ? 'It was restored into a throwaway copy, but what the copy holds differs from what the dump recorded'
      : 'It could not be restored into a throwaway copy';
  return backupEvent(
    'backup.unverified',
    backup.verification === 'mismatch' ? 'error' : 'warning',
    source,
    backup,
    `Backup of ${backupSourceLabel(source)} could not be verified`,
    `${what}: ${detail}\nDo not rely on this backup; read the verification's log and take a new backup.`,
    { verification: backup.verification, restoreId: backup.restoreId, reasonCode: backup.reasonCode ?? null },
  );
}

export interface MissedScheduleFacts {
  scheduleId: string;
  /** The open `backup_missed` alert event. */
  alertEventId: string;
  /** The alert's words ("No verified backup of the database orders since …"). */
  message: string;
  missedSince: Date;
  cron: string;
  timezone: string;
}

export function backupMissedEvent(source: BackupSourcePlace, missed: MissedScheduleFacts): NotificationEventInput {
  return {
    ...sourceIds(source),
    kind: 'backup.missed',
    severity: 'error',
    title: `Backup of ${backupSourceLabel(source)} missed`,
    message: `${missed.message}\nCheck the schedule's last backups (failed or not verified) and whether a worker is running.`,
    url: backupsUrl(source),
    subject: { type: 'alert', id: missed.alertEventId, name: backupSourceLabel(source) },
    groupKey: `backup-schedule:${missed.scheduleId}`,
    data: {
      scheduleId: missed.scheduleId,
      alertEventId: missed.alertEventId,
      ...sourceData(source),
      missedSince: missed.missedSince.toISOString(),
      cron: missed.cron,
      timezone: missed.timezone,
    },
  };
}

/** A backup that counts resolved the schedule's missed alert. */
export function backupMissedResolvedEvent(
  source: BackupSourcePlace,
  resolved: { scheduleId: string; alertEventId: string; backupId: string },
): NotificationEventInput {
  return {
    ...sourceIds(source),
    kind: 'alert.resolved',
    severity: 'success',
    title: `Backups of ${backupSourceLabel(source)} are back on schedule`,
    message: 'A backup that counts (succeeded, and verified when the schedule verifies) was stored; the missed-backup alert is resolved.',
    url: backupsUrl(source),
    subject: { type: 'alert', id: resolved.alertEventId, name: backupSourceLabel(source) },
    groupKey: `backup-schedule:${resolved.scheduleId}`,
    data: {
      alertKind: 'backup_missed',
      scheduleId: resolved.scheduleId,
      alertEventId: resolved.alertEventId,
      backupId: resolved.backupId,
      ...sourceData(source),
    },
  };
}

export interface RestoreFacts {
  id: string;
  target: Exclude<RestoreTarget, 'verify'>;
  status: Extract<RestoreStatus, 'succeeded' | 'failed' | 'cancelled'>;
  backupId: string | null;
  safetyBackupId: string | null;
  reason?: string | null;
  reasonCode?: ReasonCode | null;
}

/** A restore over a database or volume (`same`) or into a new database (`new`) ended; verifications report through backup.unverified. */
export function restoreFinishedEvent(source: BackupSourcePlace, restore: RestoreFacts): NotificationEventInput {
  const label = backupSourceLabel(source);
  const into = restore.target === 'new' ? 'into a new database' : 'over it';
  const safety = restore.safetyBackupId ? ' The safety backup taken before it holds what was there.' : '';
  const outcome = {
    succeeded: {
      severity: 'success' as const,
      title: `Restore of ${label} succeeded`,
      message: `The backup was restored ${into} and what it holds was checked against the backup's inventory.${safety}`,
    },
    failed: {
      severity: 'error' as const,
      title: `Restore of ${label} failed`,
      message: `${reasonText(restore.reason, 'No reason was recorded.')}\nRead the restore's log.${safety}`,
    },
    cancelled: {
      severity: 'warning' as const,
      title: `Restore of ${label} cancelled`,
      message: `The restore ${into} was cancelled before it finished; read the restore's log.${safety}`,
    },
  }[restore.status];
  return {
    ...sourceIds(source),
    kind: 'restore.finished',
    severity: outcome.severity,
    title: outcome.title,
    message: outcome.message,
    url: backupsUrl(source),
    subject: { type: 'restore', id: restore.id, name: label },
    data: {
      restoreId: restore.id,
      backupId: restore.backupId,
      ...sourceData(source),
      target: restore.target,
      status: restore.status,
      safetyBackupId: restore.safetyBackupId,
      reasonCode: restore.reasonCode ?? null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Servers and alerts

function serverEvent(
  kind: NotificationEventKind,
  severity: NotificationEventInput['severity'],
  place: ServerPlace,
  title: string,
  message: string,
  data: EventData,
): NotificationEventInput {
  return {
    teamId: place.teamId,
    projectId: null,
    environmentId: null,
    kind,
    severity,
    title,
    message,
    url: `/servers/${place.serverId}`,
    subject: { type: 'server', id: place.serverId, name: place.serverName },
    data: { serverId: place.serverId, ...data },
  };
}

export function serverUnreachableEvent(
  place: ServerPlace,
  facts: { statusReason: string | null; statusReasonCode: ReasonCode | null },
): NotificationEventInput {
  return serverEvent(
    'server.unreachable',
    'error',
    place,
    `Server ${place.serverName} is unreachable`,
    `${reasonText(facts.statusReason, 'Zpanel could not reach it over SSH.')}\n` +
      'Applications and databases on it may be down; deployments and backups there fail until it answers. Check that the machine is up and SSH reachable.',
    { statusReason: facts.statusReason ? reasonText(facts.statusReason, '') : null, reasonCode: facts.statusReasonCode },
  );
}

export function serverRecoveredEvent(place: ServerPlace, facts: { wasReason: string | null }): NotificationEventInput {
  const was = facts.wasReason ? ` It was unreachable: ${reasonText(facts.wasReason, '')}` : '';
  return serverEvent(
    'server.recovered',
    'success',
    place,
    `Server ${place.serverName} is reachable again`,
    `Zpanel reaches it over SSH again; checks, deployments and backups there resume.${was}`,
    {},
  );
}

export function serverHostKeyChangedEvent(place: ServerPlace, facts: { statusReason: string | null }): NotificationEventInput {
  return serverEvent(
    'server.host_key_changed',
    'error',
    place,
    `Host key of server ${place.serverName} changed`,
    `${reasonText(facts.statusReason, 'The server answered with a host key other than the one Zpanel pinned.')}\n` +
      'Zpanel stopped connecting to it. If you reinstalled the machine or changed its keys, accept the new key on the server page; otherwise someone may be intercepting the connection.',
    { statusReason: facts.statusReason ? reasonText(facts.statusReason, '') : null, reasonCode: 'server.host_key_changed' },
  );
}

export interface AlertFacts {
  alertEventId: string;
  ruleId: string;
  metric: AlertMetric;
  operator: AlertOperator;
  threshold: number;
  durationSeconds: number;
  value: number | null;
  /** The alert's own words (alertMessage: "CPU 97 % > 90 % for 5 min on web-1"). */
  message: string;
}

function alertData(place: ServerPlace, alert: AlertFacts): EventData {
  return {
    alertEventId: alert.alertEventId,
    ruleId: alert.ruleId,
    metric: alert.metric,
    operator: alert.operator,
    threshold: alert.threshold,
    durationSeconds: alert.durationSeconds,
    value: alert.value,
    serverId: place.serverId,
  };
}

const METRIC_NAMES: Record<AlertMetric, string> = {
  cpu: 'CPU',
  memory: 'Memory',
  disk: 'Disk',
  load: 'Load',
  unreachable: 'Unreachable',
};

export function alertFiredEvent(place: ServerPlace, alert: AlertFacts): NotificationEventInput {
  return {
    teamId: place.teamId,
    projectId: null,
    environmentId: null,
    kind: 'alert.fired',
    severity: 'warning',
    title: `Alert on ${place.serverName}: ${alert.metric === 'unreachable' ? 'unreachable' : `${METRIC_NAMES[alert.metric]} ${alert.operator} ${alert.threshold}`}`,
    message: `${alert.message}\nOpen the server's alerts to see the rule and its history.`,
    url: `/servers/${place.serverId}/alerts`,
    subject: { type: 'alert', id: alert.alertEventId, name: place.serverName },
    groupKey: `alert-rule:${alert.ruleId}`,
    data: alertData(place, alert),
  };
}

export function alertResolvedEvent(place: ServerPlace, alert: AlertFacts): NotificationEventInput {
  return {
    teamId: place.teamId,
    projectId: null,
    environmentId: null,
    kind: 'alert.resolved',
    severity: 'success',
    title: `Alert on ${place.serverName} resolved: ${alert.metric === 'unreachable' ? 'reachable again' : `${METRIC_NAMES[alert.metric]} back to normal`}`,
    message: `Was: ${alert.message}`,
    url: `/servers/${place.serverId}/alerts`,
    subject: { type: 'alert', id: alert.alertEventId, name: place.serverName },
    groupKey: `alert-rule:${alert.ruleId}`,
    data: alertData(place, alert),
  };
}

// ---------------------------------------------------------------------------------------------
// Databases

export function databaseUnhealthyEvent(
  place: DatabasePlace,
  facts: { statusReason: string | null; statusReasonCode: ReasonCode | null },
): NotificationEventInput {
  return {
    ...placeIds(place),
    kind: 'database.unhealthy',
    severity: 'error',
    title: `Database ${place.databaseName} (${place.environmentName}) is unhealthy`,
    message: `${reasonText(facts.statusReason, 'Its health check failed.')}\nApplications using it may fail. Open the database's logs to see why.`,
    url: `/databases/${place.databaseId}`,
    subject: { type: 'database', id: place.databaseId, name: place.databaseName },
    data: { databaseId: place.databaseId, engine: place.engine, reasonCode: facts.statusReasonCode },
  };
}

export function databaseRecoveredEvent(place: DatabasePlace): NotificationEventInput {
  return {
    ...placeIds(place),
    kind: 'database.recovered',
    severity: 'success',
    title: `Database ${place.databaseName} (${place.environmentName}) is healthy again`,
    message: 'Its health check passes again.',
    url: `/databases/${place.databaseId}`,
    subject: { type: 'database', id: place.databaseId, name: place.databaseName },
    data: { databaseId: place.databaseId, engine: place.engine },
  };
}
