// Test helpers of the database layer (its int-specs, and the harness in @zpanel/testing), apart
// from the production barrel (index.ts) so no application bundles them.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import {
  APPLICATION_DEFAULTS,
  type AnyNotificationKind,
  type NotificationChannelKind,
  type NotificationChannelSecrets,
  type NotificationEventKind,
} from '@zpanel/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { withDatabaseName } from './database-url';
import {
  ApplicationEntity,
  ApplicationMountEntity,
  BackupDestinationEntity,
  BackupEntity,
  BackupScheduleEntity,
  CommandRunEntity,
  DatabaseEntity,
  DatabaseOperationEntity,
  DeploymentEntity,
  EnvironmentEntity,
  NotificationChannelEntity,
  ProjectEntity,
  ServerEntity,
  SshKeyEntity,
  TeamEntity,
  NotificationEventEntity,
  notificationChannelSecretsAad,
} from './entities';
import { runMigrationsWithLock } from './migrate';

/**
 * An empty database of the test's own (a stack's, which the API migrates at boot, or a test's scratch
 * database), named after the run so the run's teardown finds any that a crash left behind.
 */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_ADMIN_URL is not set: tests must run through the Jest global setup');
  const name = `zpanel_test_${process.env.ZP_TEST_RUN_ID}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  return { url: withDatabaseName(adminUrl, name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * For a describe block: a scratch database migrated to the latest schema, and a DataSource on it
 * (named `name` in its connections), before the block's tests; both go after them. Read `source`
 * inside hooks and tests only.
 */
export function useMigratedDatabase(name: string): { readonly source: DataSource } {
  let database: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let source: DataSource | undefined;
  beforeAll(async () => {
    database = await createScratchDatabase();
    source = new DataSource(buildDataSourceOptions(database.url, name));
    await source.initialize();
    await runMigrationsWithLock(source);
  });
  afterAll(async () => {
    await source?.destroy();
    await database?.drop();
  });
  return {
    get source() {
      if (!source?.isInitialized) throw new Error('the database was not set up (see the beforeAll error)');
      return source;
    },
  };
}

export interface SeededTeam {
  teamId: string;
  keyId: string;
  serverId: string;
}

/**
 * A team with an SSH key and a server, written straight to the database for a test that needs the
 * rows, not the API. `privateKey` gives the key's stored private key from its id (sealed for its row,
 * `box.seal(pem, sshKeyAad(id))`, for a test that connects; a placeholder by default); `server`
 * overrides the server's columns (where it is, its status).
 */
export async function seedTeamWithServer(
  db: DataSource | EntityManager,
  options: { team?: string; privateKey?: (keyId: string) => string; server?: Partial<ServerEntity> } = {},
): Promise<SeededTeam> {
  const teamId = (await db.getRepository(TeamEntity).save({ name: options.team ?? 'seeded' })).id;
  const keyId = randomUUID();
  await db.getRepository(SshKeyEntity).insert({
    id: keyId,
    teamId,
    name: 'k',
    type: 'ssh-ed25519',
    privateKey: options.privateKey?.(keyId) ?? 'p',
    publicKey: 'x',
    fingerprint: 'x',
  });
  const serverId = await seedServer(db, { teamId, keyId }, { name: 's', ...options.server });
  return { teamId, keyId, serverId };
}

export interface SeededEnvironment {
  projectId: string;
  environmentId: string;
}

/** A project of the team (named `p` unless told) and its production environment, for applications to share. */
export async function seedEnvironment(db: DataSource | EntityManager, team: Pick<SeededTeam, 'teamId'>, project = 'p'): Promise<SeededEnvironment> {
  const { teamId } = team;
  const projectId = (await db.getRepository(ProjectEntity).save({ teamId, name: project, description: '' })).id;
  const environmentId = (await db.getRepository(EnvironmentEntity).save({ teamId, projectId, name: 'production' })).id;
  return { projectId, environmentId };
}

/** Another server of a seeded team, reached with its key; `server` overrides its columns. */
export async function seedServer(
  db: DataSource | EntityManager,
  team: Pick<SeededTeam, 'teamId' | 'keyId'>,
  server: Partial<ServerEntity> = {},
): Promise<string> {
  const row = {
    teamId: team.teamId,
    name: `s-${randomUUID().slice(0, 8)}`,
    host: '192.0.2.1',
    port: 22,
    user: 'root',
    sshKeyId: team.keyId,
    description: '',
    ...server,
  };
  return (await db.getRepository(ServerEntity).save(row)).id;
}

/**
 * An application of an image on the seeded server, with the defaults the API gives one; in the
 * environment given with the team, or in a project and production environment of its own.
 * `application` overrides its columns.
 */
export async function seedApplication(
  db: DataSource | EntityManager,
  team: Pick<SeededTeam, 'teamId' | 'serverId'> & Partial<SeededEnvironment>,
  application: Partial<ApplicationEntity> = {},
): Promise<ApplicationEntity> {
  const { teamId, serverId } = team;
  const { projectId, environmentId } = team.projectId && team.environmentId ? (team as SeededEnvironment) : await seedEnvironment(db, team);
  return db.getRepository(ApplicationEntity).save({
    ...APPLICATION_DEFAULTS,
    teamId,
    projectId,
    environmentId,
    serverId,
    name: 'web',
    description: '',
    buildPack: 'image' as const,
    gitUrl: null,
    gitBranch: null,
    deployKeyId: null,
    buildTarget: null,
    imageReference: 'zpanel-test/busybox',
    port: 8080,
    cpuLimit: null,
    memoryLimitMb: null,
    ...application,
  });
}

/** A deployment of the application, `queued` by a manual trigger of Olive's unless `deployment` says otherwise; its row. */
export async function seedDeployment(
  db: DataSource | EntityManager,
  of: { teamId: string; applicationId: string },
  deployment: Partial<DeploymentEntity> = {},
): Promise<DeploymentEntity> {
  return db.getRepository(DeploymentEntity).save({
    teamId: of.teamId,
    applicationId: of.applicationId,
    status: 'queued' as const,
    trigger: 'manual' as const,
    step: 'queued' as const,
    actorName: 'Olive',
    ...deployment,
  });
}

/** A command run on the seeded server, `queued` by Olive with no output yet unless `run` says otherwise; its id. */
export async function seedCommandRun(
  db: DataSource | EntityManager,
  team: Pick<SeededTeam, 'teamId' | 'serverId'>,
  run: Partial<CommandRunEntity> = {},
): Promise<string> {
  const row = await db.getRepository(CommandRunEntity).save({
    teamId: team.teamId,
    serverId: team.serverId,
    userId: null,
    tokenId: null,
    actorName: 'Olive',
    command: 'uptime',
    timeoutSeconds: 300,
    status: 'queued' as const,
    output: '',
    outputTruncated: false,
    ...run,
  });
  return row.id;
}

/**
 * A database of the environment on the seeded server, written straight to the table (PostgreSQL
 * `main-db`, status `running`, unless `database` says otherwise); its row, without the password.
 * `password` gives the stored password from the id (sealed for its row, `box.seal(pw, databasePasswordAad(id))`,
 * for a test that resolves it; a placeholder by default).
 */
export async function seedDatabase(
  db: DataSource | EntityManager,
  at: Pick<SeededTeam, 'teamId' | 'serverId'> & Pick<SeededEnvironment, 'environmentId'>,
  options: { password?: (databaseId: string) => string; database?: Partial<Omit<DatabaseEntity, 'password'>> } = {},
): Promise<DatabaseEntity> {
  const id = options.database?.id ?? randomUUID();
  const row = {
    teamId: at.teamId,
    environmentId: at.environmentId,
    serverId: at.serverId,
    name: 'main-db',
    engine: 'postgresql' as const,
    image: 'postgres:17',
    databaseName: 'app',
    userName: 'app',
    publicPort: null,
    memoryLimitMb: null,
    cpuLimit: null,
    status: 'running' as const,
    statusReason: null,
    statusReasonCode: null,
    ...options.database,
    id,
  };
  await db.getRepository(DatabaseEntity).insert({ ...row, password: options.password?.(id) ?? 'p' });
  return db.getRepository(DatabaseEntity).findOneByOrFail({ id });
}

/** An operation on the database, a `queued` create of Olive's unless `operation` says otherwise; its row. */
export async function seedDatabaseOperation(
  db: DataSource | EntityManager,
  of: { teamId: string; id: string },
  operation: Partial<DatabaseOperationEntity> = {},
): Promise<DatabaseOperationEntity> {
  return db.getRepository(DatabaseOperationEntity).save({
    teamId: of.teamId,
    databaseId: of.id,
    kind: 'create' as const,
    deleteData: false,
    status: 'queued' as const,
    log: '',
    userId: null,
    tokenId: null,
    actorName: 'Olive',
    ...operation,
  });
}

/**
 * A backup destination of the team, written straight to the table: an S3 one named `b-<random>` with
 * placeholder sealed keys unless `destination` says otherwise (`kind: 'server'` needs `serverId` and
 * `path`, and the S3 fields null).
 */
export async function seedBackupDestination(
  db: DataSource | EntityManager,
  team: Pick<SeededTeam, 'teamId'>,
  destination: Partial<BackupDestinationEntity> = {},
): Promise<BackupDestinationEntity> {
  const id = destination.id ?? randomUUID();
  const s3 = (destination.kind ?? 's3') === 's3';
  await db.getRepository(BackupDestinationEntity).insert({
    teamId: team.teamId,
    name: `b-${randomUUID().slice(0, 8)}`,
    kind: 's3',
    endpoint: s3 ? 'http://127.0.0.1:9000' : null,
    region: s3 ? 'us-east-1' : null,
    bucket: s3 ? 'backups' : null,
    prefix: null,
    forcePathStyle: s3 ? true : null,
    accessKeyId: s3 ? 'AKIDSEED' : null,
    secretAccessKey: s3 ? 's' : null,
    serverId: null,
    path: null,
    dataKey: 'k',
    dataKeyId: 'seeded',
    ...destination,
    id,
  });
  return db.getRepository(BackupDestinationEntity).findOneByOrFail({ id });
}

/** A named volume of the application (`data` at `/data` unless `mount` says otherwise); its row. */
export async function seedVolume(
  db: DataSource | EntityManager,
  of: { teamId: string; applicationId: string },
  mount: Partial<ApplicationMountEntity> = {},
): Promise<ApplicationMountEntity> {
  return db.getRepository(ApplicationMountEntity).save({
    teamId: of.teamId,
    applicationId: of.applicationId,
    kind: 'volume' as const,
    name: 'data',
    mountPath: '/data',
    hostPath: null,
    readOnly: false,
    content: null,
    secret: false,
    ...mount,
  });
}

/** A daily 03:00 UTC schedule of the database keeping 7 backups, unless `schedule` says otherwise; its row. */
export async function seedBackupSchedule(
  db: DataSource | EntityManager,
  of: { teamId: string | null; destinationId: string; databaseId?: string; volumeId?: string },
  schedule: Partial<BackupScheduleEntity> = {},
): Promise<BackupScheduleEntity> {
  return db.getRepository(BackupScheduleEntity).save({
    teamId: of.teamId,
    sourceKind: of.teamId === null ? ('instance' as const) : of.volumeId ? ('volume' as const) : ('database' as const),
    databaseId: of.databaseId ?? null,
    volumeId: of.volumeId ?? null,
    destinationId: of.destinationId,
    cron: '0 3 * * *',
    timezone: 'UTC',
    retentionCount: 7,
    retentionDays: null,
    verifyAfterBackup: true,
    timeoutMinutes: 60,
    enabled: true,
    nextRunAt: null,
    ...schedule,
  });
}

/** A backup of the database, `queued` by a manual trigger of Olive's unless `backup` says otherwise; its row. */
export async function seedBackup(
  db: DataSource | EntityManager,
  of: { teamId: string | null; destinationId: string; databaseId?: string; volumeId?: string; serverId?: string | null },
  backup: Partial<BackupEntity> = {},
): Promise<BackupEntity> {
  return db.getRepository(BackupEntity).save({
    teamId: of.teamId,
    sourceKind: of.teamId === null ? ('instance' as const) : of.volumeId ? ('volume' as const) : ('database' as const),
    databaseId: of.databaseId ?? null,
    volumeId: of.volumeId ?? null,
    serverId: of.serverId ?? null,
    destinationId: of.destinationId,
    trigger: 'manual' as const,
    status: 'queued' as const,
    log: '',
    userId: null,
    tokenId: null,
    actorName: 'Olive',
    ...backup,
  });
}

/**
 * A team's notification channel written straight to the database, its secrets sealed as the API
 * seals them (`seal` is the instance's SecretBox's, bound to `notificationChannelSecretsAad(id)`).
 */
export async function seedNotificationChannel(
  db: DataSource | EntityManager,
  seal: { seal(plaintext: string, aad: string): string },
  teamId: string,
  fields: {
    kind: NotificationChannelKind;
    name?: string;
    settings?: Record<string, unknown>;
    secrets?: NotificationChannelSecrets;
    events: readonly NotificationEventKind[];
    projectIds?: string[] | null;
    environmentIds?: string[] | null;
    enabled?: boolean;
  },
): Promise<NotificationChannelEntity> {
  const id = randomUUID();
  const secrets = fields.secrets && Object.keys(fields.secrets).length ? fields.secrets : null;
  await db.getRepository(NotificationChannelEntity).insert({
    id,
    teamId,
    name: fields.name ?? `channel-${id.slice(0, 8)}`,
    kind: fields.kind,
    enabled: fields.enabled ?? true,
    settings: fields.settings ?? {},
    secrets: secrets ? seal.seal(JSON.stringify(secrets), notificationChannelSecretsAad(id)) : null,
    secretsSet: secrets ? Object.keys(secrets) : [],
    events: [...fields.events],
    projectIds: fields.projectIds ?? null,
    environmentIds: fields.environmentIds ?? null,
    consecutiveFailures: 0,
  } as never);
  return db.getRepository(NotificationChannelEntity).findOneByOrFail({ id });
}

/** The notification events recorded about one subject (a deployment, a backup, a server...), oldest first, optionally of one kind. */
export function notificationEventsAbout(
  db: DataSource | EntityManager,
  subjectId: string,
  kind?: AnyNotificationKind,
): Promise<NotificationEventEntity[]> {
  return db.getRepository(NotificationEventEntity).find({ where: { subjectId, ...(kind ? { kind } : {}) }, order: { occurredAt: 'ASC', id: 'ASC' } });
}
