import type { BackupDestinationDto, BackupDto, BackupScheduleDto, BackupWithLogDto, RestoreDto, RestoreWithLogDto } from '@zpanel/contracts';
import { fixture } from './fixture';
import { jsonResponse } from './mock-api';
import { aPage } from './servers-fixtures';

/** Test data for the backups specs. */
export const aDestination = fixture<BackupDestinationDto>(() => ({
  id: 'dest-1',
  teamId: 'team-1',
  name: 'offsite',
  kind: 's3',
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  region: 'eu-west-1',
  bucket: 'acme-backups',
  prefix: 'zpanel',
  forcePathStyle: false,
  accessKeyId: 'AKIAEXAMPLE',
  serverId: null,
  path: null,
  keyId: 'k-3f9a1c',
  backupCount: 4,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
}));

export const aServerDestination = fixture<BackupDestinationDto>(() => ({
  ...aDestination(),
  id: 'dest-2',
  name: 'local',
  kind: 'server',
  endpoint: null,
  region: null,
  bucket: null,
  prefix: null,
  forcePathStyle: null,
  accessKeyId: null,
  serverId: 'server-1',
  path: '/srv/backups',
  keyId: 'k-77b2e0',
  backupCount: 0,
}));

export const aSchedule = fixture<BackupScheduleDto>(() => ({
  id: 'sched-1',
  teamId: 'team-1',
  sourceKind: 'database',
  databaseId: 'db-1',
  volumeId: null,
  destinationId: 'dest-1',
  cron: '0 3 * * *',
  timezone: 'Europe/Paris',
  description: 'At 03:00 every day',
  retentionCount: 7,
  retentionDays: null,
  verifyAfterBackup: true,
  timeoutMinutes: 60,
  enabled: true,
  nextRunAt: new Date(Date.now() + 5.5 * 3_600_000).toISOString(),
  lastRunAt: new Date(Date.now() - 19 * 3_600_000).toISOString(),
  missedSince: null,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
}));

export const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

export const aBackup = fixture<BackupDto>(() => ({
  id: 'backup-1',
  teamId: 'team-1',
  scheduleId: 'sched-1',
  sourceKind: 'database',
  databaseId: 'db-1',
  volumeId: null,
  destinationId: 'dest-1',
  trigger: 'schedule',
  status: 'succeeded',
  reason: null,
  reasonCode: null,
  engine: 'postgresql',
  image: 'postgres:17',
  sizeBytes: 5 * 1024 * 1024,
  dumpBytes: 21 * 1024 * 1024,
  sha256: SHA,
  compression: 'zstd',
  location: 'zpanel/db-1/2026-01-06T03-00-00Z.zpb',
  inventory: {
    tables: [
      { name: 'public.users', rows: 1200 },
      { name: 'public.orders', rows: 4800 },
    ],
  },
  verification: 'verified',
  verifiedAt: new Date(Date.now() - 18 * 3_600_000).toISOString(),
  verificationDetail: '2 tables, 6,000 rows restored and matched',
  createdAt: new Date(Date.now() - 19 * 3_600_000).toISOString(),
  startedAt: new Date(Date.now() - 19 * 3_600_000).toISOString(),
  finishedAt: new Date(Date.now() - 19 * 3_600_000 + 72_000).toISOString(),
  durationMs: 72_000,
}));

export function aBackupWithLog(overrides: Partial<BackupWithLogDto> = {}): BackupWithLogDto {
  return { ...aBackup(overrides), log: 'pg_dump -Fc main_db\nuploaded 5 MB\nchecksum matches\n', ...overrides };
}

export const aRestore = fixture<RestoreDto>(() => ({
  id: 'restore-1',
  teamId: 'team-1',
  backupId: 'backup-1',
  target: 'new',
  databaseId: 'db-2',
  volumeId: null,
  safetyBackupId: null,
  status: 'queued',
  reason: null,
  reasonCode: null,
  result: null,
  createdAt: new Date().toISOString(),
  startedAt: null,
  finishedAt: null,
}));

export function aRestoreWithLog(overrides: Partial<RestoreWithLogDto> = {}): RestoreWithLogDto {
  return { ...aRestore(overrides), log: '', ...overrides };
}

export const DESTINATIONS = '/api/v1/backup-destinations';

/** What the System page asks for its instance backups: the caller may manage them (for team-1), and there are none yet. */
/** The instance's schedules as the System page asks for them. */
export const INSTANCE_SCHEDULES = '/api/v1/system/backups/schedules?page=1&perPage=100';

export function instanceBackupRoutes() {
  return {
    '/api/v1/system/backups/access': () => jsonResponse({ allowed: true, teamId: 'team-1', teamName: 'Analytical Engines', reason: null }),
    [INSTANCE_SCHEDULES]: () => jsonResponse(aPage([], { perPage: 100 })),
    '/api/v1/system/backups?page=1&perPage=10': () => jsonResponse(aPage([], { perPage: 10 })),
    [DESTINATIONS]: () => jsonResponse([aDestination()]),
    // An operator's System page also shows the instance settings.
    '/api/v1/system/settings': () => jsonResponse({ publicUrl: null, smtp: null }),
  };
}

/** The System page for a member who is not an instance operator: told so, and nothing more is asked. */
export function instanceBackupsRefusedRoutes() {
  return {
    '/api/v1/system/backups/access': () =>
      jsonResponse({
        allowed: false,
        teamId: null,
        teamName: null,
        reason: 'Only the instance operators (owners of its first team) manage its backups.',
      }),
  };
}
