import { NOTIFICATION_EVENT_KINDS, type NotificationEventKind } from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import type { NotificationEventInput } from '../repositories/notification-events.repository';
import {
  type AlertFacts,
  type ApplicationPlace,
  type BackupSourcePlace,
  type DatabasePlace,
  type DeploymentFacts,
  type ServerPlace,
  alertFiredEvent,
  alertResolvedEvent,
  backupFailedEvent,
  backupMissedEvent,
  backupMissedResolvedEvent,
  backupSucceededEvent,
  backupUnverifiedEvent,
  databaseRecoveredEvent,
  databaseUnhealthyEvent,
  deploymentCancelledEvent,
  deploymentFailedEvent,
  deploymentFinishedEvent,
  deploymentStartedEvent,
  deploymentSucceededEvent,
  formatBytes,
  previewDeployedEvent,
  previewRemovedEvent,
  restoreFinishedEvent,
  serverHostKeyChangedEvent,
  serverRecoveredEvent,
  serverUnreachableEvent,
} from './event-messages';

const TEAM = '00000000-0000-4000-8000-0000000000a1';
const PROJECT = '00000000-0000-4000-8000-0000000000b1';
const ENV = '00000000-0000-4000-8000-0000000000c1';
const APP = '00000000-0000-4000-8000-0000000000d1';
const PARENT = '00000000-0000-4000-8000-0000000000d2';
const DEPLOYMENT = '00000000-0000-4000-8000-0000000000e1';
const DATABASE = '00000000-0000-4000-8000-0000000000f1';
const VOLUME = '00000000-0000-4000-8000-0000000000f2';
const SERVER = '00000000-0000-4000-8000-000000000101';
const BACKUP = '00000000-0000-4000-8000-000000000201';
const SCHEDULE = '00000000-0000-4000-8000-000000000301';
const RESTORE = '00000000-0000-4000-8000-000000000401';
const ALERT_EVENT = '00000000-0000-4000-8000-000000000501';
const RULE = '00000000-0000-4000-8000-000000000601';
const COMMIT = '1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d';

const app = (overrides: Partial<ApplicationPlace> = {}): ApplicationPlace => ({
  teamId: TEAM,
  projectId: PROJECT,
  environmentId: ENV,
  environmentName: 'production',
  applicationId: APP,
  applicationName: 'api',
  previewOfId: null,
  previewOfName: null,
  previewNumber: null,
  ...overrides,
});
const preview = (): ApplicationPlace => app({ applicationName: 'api-pr-12', previewOfId: PARENT, previewOfName: 'api', previewNumber: 12 });
const deployment = (overrides: Partial<DeploymentFacts> = {}): DeploymentFacts => ({
  id: DEPLOYMENT,
  trigger: 'webhook',
  commitSha: COMMIT,
  step: 'build',
  reason: null,
  reasonCode: null,
  ...overrides,
});
const database = (overrides: Partial<DatabasePlace> = {}): DatabasePlace => ({
  teamId: TEAM,
  projectId: PROJECT,
  environmentId: ENV,
  environmentName: 'production',
  databaseId: DATABASE,
  databaseName: 'orders',
  engine: 'postgres',
  ...overrides,
});
const server = (overrides: Partial<ServerPlace> = {}): ServerPlace => ({ teamId: TEAM, serverId: SERVER, serverName: 'web-1', ...overrides });
const dbSource = (overrides: Partial<DatabasePlace> = {}): BackupSourcePlace => ({ kind: 'database', ...database(overrides) });
const volumeSource = (): BackupSourcePlace => ({ kind: 'volume', ...app(), volumeId: VOLUME, volumeName: 'data' });
const instanceSource: BackupSourcePlace = { kind: 'instance', teamId: TEAM };
const backup = { id: BACKUP, trigger: 'schedule' as const, scheduleId: SCHEDULE, destinationName: 'offsite' };
const alert = (overrides: Partial<AlertFacts> = {}): AlertFacts => ({
  alertEventId: ALERT_EVENT,
  ruleId: RULE,
  metric: 'cpu',
  operator: '>',
  threshold: 90,
  durationSeconds: 300,
  value: 97.2,
  message: 'CPU 97 % > 90 % for 5 min on web-1',
  ...overrides,
});

/** One built event of every kind, from the same facts (the hostile tests swap the names). */
function everyKind(names: {
  app: string;
  env: string;
  db: string;
  server: string;
  volume: string;
}): Record<NotificationEventKind, NotificationEventInput> {
  const place = app({ applicationName: names.app, environmentName: names.env });
  const previewPlace = { ...place, previewOfId: PARENT, previewOfName: names.app, previewNumber: 3 };
  const db = database({ databaseName: names.db, environmentName: names.env });
  const srv = server({ serverName: names.server });
  const source: BackupSourcePlace = { kind: 'database', ...db };
  return {
    'deployment.started': deploymentStartedEvent(place, deployment()),
    'deployment.succeeded': deploymentSucceededEvent(place, deployment()),
    'deployment.failed': deploymentFailedEvent(place, deployment({ reason: 'Build failed', reasonCode: 'build.failed' })),
    'deployment.cancelled': deploymentCancelledEvent(place, deployment()),
    'preview.deployed': previewDeployedEvent(previewPlace, deployment()),
    'preview.removed': previewRemovedEvent(previewPlace, 'closed'),
    'backup.succeeded': backupSucceededEvent(source, { ...backup, sizeBytes: '2048', verifying: true }),
    'backup.failed': backupFailedEvent(source, { ...backup, reason: 'could not reach the bucket' }),
    'backup.missed': backupMissedEvent(
      { kind: 'volume', ...place, volumeId: VOLUME, volumeName: names.volume },
      { scheduleId: SCHEDULE, alertEventId: ALERT_EVENT, message: 'No backup', missedSince: new Date(0), cron: '0 3 * * *', timezone: 'UTC' },
    ),
    'backup.unverified': backupUnverifiedEvent(source, { ...backup, verification: 'mismatch', detail: 'rows differ', restoreId: RESTORE }),
    'restore.finished': restoreFinishedEvent(source, { id: RESTORE, target: 'same', status: 'succeeded', backupId: BACKUP, safetyBackupId: null }),
    'server.unreachable': serverUnreachableEvent(srv, { statusReason: 'connect ECONNREFUSED', statusReasonCode: 'server.unreachable' }),
    'server.recovered': serverRecoveredEvent(srv, { wasReason: null }),
    'server.host_key_changed': serverHostKeyChangedEvent(srv, { statusReason: null }),
    'alert.fired': alertFiredEvent(srv, alert()),
    'alert.resolved': alertResolvedEvent(srv, alert()),
    'database.unhealthy': databaseUnhealthyEvent(db, { statusReason: 'container exited', statusReasonCode: null }),
    'database.recovered': databaseRecoveredEvent(db),
  };
}

describe('notification event messages', () => {
  it('has a builder for every subscribable kind, each saying what, where, a link into the SPA and only scalar data', () => {
    const built = everyKind({ app: 'api', env: 'production', db: 'orders', server: 'web-1', volume: 'data' });
    expect(Object.keys(built).sort()).toEqual([...NOTIFICATION_EVENT_KINDS].sort());
    for (const [kind, event] of Object.entries(built)) {
      expect(event.kind).toBe(kind);
      expect(event.teamId).toBe(TEAM);
      expect(event.title.length).toBeGreaterThan(10);
      expect(event.title.length).toBeLessThan(120);
      expect(event.message.length).toBeGreaterThan(10);
      expect(event.url).toMatch(/^\/(applications|databases|servers|system)(\/|$)/);
      expect(event.subject?.id).toMatch(/^[0-9a-f-]{36}$/);
      for (const value of Object.values(event.data ?? {})) expect(['string', 'number', 'boolean', 'object']).toContain(typeof value);
      for (const value of Object.values(event.data ?? {})) if (typeof value === 'object') expect(value).toBeNull();
    }
  });

  it('deployments: title with application and environment, the reason, step and commit in the message, the deployment page as link', () => {
    const failed = deploymentFailedEvent(
      app(),
      deployment({ step: 'health', reason: 'Health check failed: HTTP GET / did not pass after 3 tries', reasonCode: 'health_check.failed' }),
    );
    expect(failed).toMatchObject({
      teamId: TEAM,
      projectId: PROJECT,
      environmentId: ENV,
      kind: 'deployment.failed',
      severity: 'error',
      title: 'Deployment of api (production) failed',
      url: `/applications/${APP}/deployments/${DEPLOYMENT}`,
      subject: { type: 'deployment', id: DEPLOYMENT, name: 'api' },
      data: {
        deploymentId: DEPLOYMENT,
        applicationId: APP,
        previewOfId: null,
        previewNumber: null,
        trigger: 'webhook',
        commit: COMMIT,
        tag: null,
        step: 'health',
        reasonCode: 'health_check.failed',
      },
    });
    expect(failed.message).toContain('Failed at the health step: Health check failed: HTTP GET / did not pass after 3 tries');
    expect(failed.message).toContain('commit 1a2b3c4d5e6f');
    expect(failed.message).toContain('deploy again');
    expect(failed.groupKey).toBeUndefined();

    expect(deploymentStartedEvent(app(), deployment())).toMatchObject({
      kind: 'deployment.started',
      severity: 'info',
      title: 'Deployment of api (production) started',
    });
    expect(deploymentSucceededEvent(app(), deployment({ gitTag: 'v1.2.0' })).message).toBe(
      'The new version is live (commit 1a2b3c4d5e6f, tag v1.2.0, trigger: webhook).',
    );
    expect(deploymentCancelledEvent(app(), deployment({ step: 'queued' })).message).toMatch(/^Cancelled before it started/);
    expect(deploymentCancelledEvent(app(), deployment({ step: 'build' })).message).toMatch(/^Cancelled at the build step/);
    // A failure without a recorded reason still says so, and a very long reason is cut.
    expect(deploymentFailedEvent(app(), deployment({ reason: null })).message).toContain('No reason was recorded.');
    expect(deploymentFailedEvent(app(), deployment({ reason: 'x'.repeat(5_000) })).message.length).toBeLessThan(1_000);
  });

  it('previews: a successful deployment of a preview is preview.deployed, a failure stays deployment.failed, superseded tells nothing', () => {
    expect(deploymentFinishedEvent(preview(), { ...deployment(), status: 'success' })).toMatchObject({
      kind: 'preview.deployed',
      severity: 'success',
      title: 'Preview #12 of api (production) deployed',
      url: `/applications/${APP}/deployments/${DEPLOYMENT}`,
      data: expect.objectContaining({ previewOfId: PARENT, previewNumber: 12 }),
    });
    expect(deploymentFinishedEvent(preview(), { ...deployment(), status: 'failed' })).toMatchObject({
      kind: 'deployment.failed',
      title: 'Deployment of preview #12 of api (production) failed',
    });
    expect(deploymentFinishedEvent(app(), { ...deployment(), status: 'success' })?.kind).toBe('deployment.succeeded');
    expect(deploymentFinishedEvent(app(), { ...deployment(), status: 'cancelled' })?.kind).toBe('deployment.cancelled');
    expect(deploymentFinishedEvent(app(), { ...deployment(), status: 'superseded' })).toBeNull();
    expect(deploymentFinishedEvent(app(), { ...deployment(), status: 'running' })).toBeNull();

    const removed = previewRemovedEvent(preview(), 'closed');
    expect(removed).toMatchObject({
      kind: 'preview.removed',
      severity: 'info',
      title: 'Preview #12 of api (production) removed',
      url: `/applications/${PARENT}/previews`,
      subject: { type: 'application', id: APP, name: 'api-pr-12' },
      data: { applicationId: APP, previewOfId: PARENT, previewNumber: 12, cause: 'closed' },
    });
    expect(removed.message).toContain('its pull request was closed');
    expect(previewRemovedEvent(preview(), 'disabled').message).toContain('previews were turned off');
  });

  it('backups: the source in words, its backups page, size and reason; the instance reports to its team with no project', () => {
    const succeeded = backupSucceededEvent(dbSource(), { ...backup, sizeBytes: '1572864', verifying: true });
    expect(succeeded).toMatchObject({
      kind: 'backup.succeeded',
      severity: 'success',
      title: 'Backup of database orders (production) succeeded',
      url: `/databases/${DATABASE}/backups`,
      projectId: PROJECT,
      environmentId: ENV,
      subject: { type: 'backup', id: BACKUP, name: 'database orders (production)' },
      data: expect.objectContaining({ backupId: BACKUP, databaseId: DATABASE, scheduleId: SCHEDULE, sizeBytes: 1572864, trigger: 'schedule' }),
    });
    expect(succeeded.message).toContain('to offsite (1.5 MiB)');
    expect(succeeded.message).toContain('verification restore follows');

    const failed = backupFailedEvent(volumeSource(), {
      ...backup,
      reason: 'The specified bucket does not exist',
      reasonCode: 'backup.storage_failed' as never,
    });
    expect(failed).toMatchObject({
      severity: 'error',
      title: 'Backup of volume data of api (production) failed',
      url: `/applications/${APP}/volumes/${VOLUME}/backups`,
      data: expect.objectContaining({ volumeId: VOLUME, applicationId: APP, databaseId: null }),
    });
    expect(failed.message).toContain('The specified bucket does not exist');

    const instance = backupFailedEvent(instanceSource, { ...backup, reason: 'pg_dump is too old' });
    expect(instance).toMatchObject({
      teamId: TEAM,
      projectId: null,
      environmentId: null,
      url: '/system',
      title: "Backup of Zpanel's own database failed",
    });

    const mismatch = backupUnverifiedEvent(dbSource(), {
      ...backup,
      verification: 'mismatch',
      detail: 'table public.users has 3 rows, the dump recorded 4',
      restoreId: RESTORE,
    });
    expect(mismatch).toMatchObject({
      kind: 'backup.unverified',
      severity: 'error',
      title: 'Backup of database orders (production) could not be verified',
    });
    expect(mismatch.message).toContain('table public.users has 3 rows, the dump recorded 4');
    expect(backupUnverifiedEvent(dbSource(), { ...backup, verification: 'failed', detail: null, restoreId: null }).severity).toBe('warning');

    const missed = backupMissedEvent(dbSource(), {
      scheduleId: SCHEDULE,
      alertEventId: ALERT_EVENT,
      message: 'No verified backup of the database orders since 2026-01-01 03:00 from the schedule “At 03:00” (UTC)',
      missedSince: new Date('2026-01-01T03:30:00Z'),
      cron: '0 3 * * *',
      timezone: 'UTC',
    });
    expect(missed).toMatchObject({
      kind: 'backup.missed',
      groupKey: `backup-schedule:${SCHEDULE}`,
      subject: { type: 'alert', id: ALERT_EVENT },
      data: expect.objectContaining({ scheduleId: SCHEDULE, missedSince: '2026-01-01T03:30:00.000Z', cron: '0 3 * * *' }),
    });
    expect(missed.message).toContain('No verified backup of the database orders');
    expect(backupMissedResolvedEvent(dbSource(), { scheduleId: SCHEDULE, alertEventId: ALERT_EVENT, backupId: BACKUP })).toMatchObject({
      kind: 'alert.resolved',
      groupKey: `backup-schedule:${SCHEDULE}`,
      data: expect.objectContaining({ alertKind: 'backup_missed' }),
    });
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GiB');
  });

  it('restores: severity by outcome, the safety backup mentioned', () => {
    const facts = { id: RESTORE, target: 'same' as const, backupId: BACKUP, safetyBackupId: BACKUP };
    expect(restoreFinishedEvent(dbSource(), { ...facts, status: 'succeeded' })).toMatchObject({
      severity: 'success',
      title: 'Restore of database orders (production) succeeded',
      subject: { type: 'restore', id: RESTORE },
    });
    const failed = restoreFinishedEvent(dbSource(), { ...facts, status: 'failed', reason: 'backup.integrity_failed: the object was changed' });
    expect(failed).toMatchObject({ severity: 'error', title: 'Restore of database orders (production) failed' });
    expect(failed.message).toContain('the object was changed');
    expect(failed.message).toContain('safety backup');
    expect(restoreFinishedEvent(dbSource(), { ...facts, status: 'cancelled', target: 'new' }).severity).toBe('warning');
  });

  it('servers and alerts: no project or environment, the server page, alerts grouped per rule', () => {
    const down = serverUnreachableEvent(server(), { statusReason: 'connect ECONNREFUSED 10.0.0.5:22', statusReasonCode: 'server.unreachable' });
    expect(down).toMatchObject({
      kind: 'server.unreachable',
      severity: 'error',
      title: 'Server web-1 is unreachable',
      projectId: null,
      environmentId: null,
      url: `/servers/${SERVER}`,
      subject: { type: 'server', id: SERVER, name: 'web-1' },
      data: { serverId: SERVER, statusReason: 'connect ECONNREFUSED 10.0.0.5:22', reasonCode: 'server.unreachable' },
    });
    const back = serverRecoveredEvent(server(), { wasReason: 'Could not reach 10.0.0.5:22 over SSH' });
    expect(back).toMatchObject({
      kind: 'server.recovered',
      severity: 'success',
      title: 'Server web-1 is reachable again',
      data: { serverId: SERVER },
    });
    expect(back.message).toContain('It was unreachable: Could not reach 10.0.0.5:22 over SSH');
    expect(serverHostKeyChangedEvent(server(), { statusReason: null }).message).toContain('accept the new key');

    const fired = alertFiredEvent(server(), alert());
    expect(fired).toMatchObject({
      kind: 'alert.fired',
      severity: 'warning',
      title: 'Alert on web-1: CPU > 90',
      url: `/servers/${SERVER}/alerts`,
      groupKey: `alert-rule:${RULE}`,
      subject: { type: 'alert', id: ALERT_EVENT, name: 'web-1' },
      data: {
        alertEventId: ALERT_EVENT,
        ruleId: RULE,
        metric: 'cpu',
        operator: '>',
        threshold: 90,
        durationSeconds: 300,
        value: 97.2,
        serverId: SERVER,
      },
    });
    expect(fired.message).toContain('CPU 97 % > 90 % for 5 min on web-1');
    const resolved = alertResolvedEvent(server(), alert({ metric: 'unreachable', value: null }));
    expect(resolved).toMatchObject({
      kind: 'alert.resolved',
      severity: 'success',
      title: 'Alert on web-1 resolved: reachable again',
      groupKey: `alert-rule:${RULE}`,
    });
  });

  it('databases: environment in the title, the database page', () => {
    expect(databaseUnhealthyEvent(database(), { statusReason: 'The container exited (code 1)', statusReasonCode: null })).toMatchObject({
      kind: 'database.unhealthy',
      severity: 'error',
      title: 'Database orders (production) is unhealthy',
      url: `/databases/${DATABASE}`,
      projectId: PROJECT,
      environmentId: ENV,
      subject: { type: 'database', id: DATABASE, name: 'orders' },
      data: { databaseId: DATABASE, engine: 'postgres', reasonCode: null },
    });
    expect(databaseRecoveredEvent(database())).toMatchObject({
      kind: 'database.recovered',
      severity: 'success',
      title: 'Database orders (production) is healthy again',
    });
  });

  it('passes hostile names through as plain text (the senders escape), in titles and subjects alike', () => {
    const markup = ['<script>alert(1)</script>', '*bold* _it_ `code`', '[click](https://evil.example)', '@channel <!everyone>', '&amp; &lt;'];
    for (const name of [...injectionPayloads('/tmp/zp-canary'), ...markup]) {
      const built = everyKind({ app: name, env: name, db: name, server: name, volume: name });
      for (const event of Object.values(built)) {
        // Verbatim: not escaped, not cut, not dropped.
        expect(event.title).toContain(name);
        if (event.subject?.type === 'server' || event.subject?.type === 'database') expect(event.subject.name).toBe(name);
      }
    }
  });

  it('never carries a secret: only what the caller gave as names, reasons and figures reaches the event', () => {
    // The builders take no variable, connection string or credential; the places and facts the handlers
    // pass have none. A reason is the one free text: what it says is what the UI shows already.
    const built = everyKind({ app: 'api', env: 'production', db: 'orders', server: 'web-1', volume: 'data' });
    const text = JSON.stringify(built);
    expect(text).not.toMatch(/password|secret|token|postgres(ql)?:\/\/|https?:\/\/[^/\s]*@/i);
  });
});
