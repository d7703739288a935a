import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type AppConfig, SecretBox, createLogger, loadConfig } from '@zpanel/core';
import {
  AlertEventsRepository,
  ApplicationMountsRepository,
  ApplicationsRepository,
  BackupDestinationsRepository,
  BackupSchedulesRepository,
  BackupsRepository,
  DatabasesRepository,
  RestoresRepository,
} from '@zpanel/database';
import type { LiveStreams } from '@zpanel/queue';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { openWorkerStores, queueProducer } from '../worker-stores.testing';
import { BackupFollowUps } from './backup-follow-ups';
import { BackupParts } from './backup-parts';
import { BackupResources } from './backup-resources';
import { BackupRunHandler } from './backup-run.handler';
import { DestinationStores } from './destination-stores';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';

/** What a worker's backup and restore runs are built from, over its connections (its database, its SSH pool), with the production parts. */
export interface BackupWorkerWorld {
  dataSource: DataSource;
  sshPool: WorkerSshPool;
  live: LiveStreams;
  box: SecretBox;
  config: AppConfig;
  logger: Logger;
}

/** The resources and follow-ups of the runs, as the worker's module builds them (the follow-ups' queue only accepts jobs). */
export function backupRunParts(world: BackupWorkerWorld): { resources: BackupResources; followUps: BackupFollowUps } {
  const { dataSource, sshPool, box, config, logger } = world;
  const m = dataSource.manager;
  const targets = serverTargetsOver(dataSource, box);
  const resources = new BackupResources(
    new BackupDestinationsRepository(m),
    new DatabasesRepository(m),
    new ApplicationMountsRepository(m),
    new ApplicationsRepository(m),
    targets,
    new BackupParts(sshPool, new DestinationStores(targets, sshPool, config), box, config),
    box,
    config,
  );
  const producer = queueProducer({ add: async () => ({ id: 'job' }) } as never);
  const followUps = new BackupFollowUps(
    new BackupsRepository(m),
    new BackupSchedulesRepository(m),
    new RestoresRepository(m),
    new AlertEventsRepository(m),
    producer,
    logger,
    eventNotificationsOver(dataSource).notifications,
  );
  return { resources, followUps };
}

/** The production BackupRunHandler of a worker, beating every 500 ms. */
export function backupRunHandler(world: BackupWorkerWorld, workerId: string): BackupRunHandler {
  const { resources, followUps } = backupRunParts(world);
  const { dataSource, live, config, logger } = world;
  const handler = new BackupRunHandler(
    dataSource,
    new BackupsRepository(dataSource.manager),
    resources,
    followUps,
    live,
    config,
    logger,
    workerId,
    eventNotificationsOver(dataSource).notifications,
  );
  handler.timings = { ...handler.timings, heartbeatMs: 500, logBatchMs: 50, busyPollMs: 200 };
  return handler;
}

/** A worker process that runs one backup: the int-spec kills it (SIGKILL) mid-upload. */
export interface BackupWorkerProcess {
  child: ChildProcess;
  /** What it wrote to stderr, for a failure's message. */
  stderr(): string;
  /** Resolves with its exit code or signal. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Starts a worker process (this file run by ts-node with swc) that runs `backupId` with
 * `backupRunHandler` over connections of its own, under the test's Docker namespace and helper image.
 */
export function startBackupWorkerProcess(backupId: string, config: AppConfig): BackupWorkerProcess {
  const root = join(__dirname, '../../../../..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', __filename], {
    cwd: root,
    env: {
      ...process.env,
      TS_NODE_PROJECT: join(root, 'tsconfig.base.json'),
      TS_NODE_SWC: 'true',
      TS_NODE_TRANSPILE_ONLY: 'true',
      TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs', moduleResolution: 'node', ignoreDeprecations: '6.0' }),
      ZT_BACKUP_ID: backupId,
      ZT_DOCKER_NAMESPACE: config.docker.namespace,
      ZT_BACKUP_HELPER_IMAGE: config.backups.helperImage,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { child, stderr: () => stderr, exited };
}

/** The worker process's own body. */
async function runBackupWorkerProcess(): Promise<void> {
  const base = loadConfig(process.env);
  const config: AppConfig = {
    ...base,
    docker: { namespace: process.env['ZT_DOCKER_NAMESPACE']! },
    backups: { ...base.backups, helperImage: process.env['ZT_BACKUP_HELPER_IMAGE']! },
  };
  const stores = await openWorkerStores(config, 'backup-worker-process');
  const sshPool = new WorkerSshPool(config);
  const world = { dataSource: stores.dataSource, sshPool, live: stores.live, box: new SecretBox(config.security.secretKey), config };
  const handler = backupRunHandler({ ...world, logger: createLogger({ level: 'silent', name: 'backup-worker-process' }) }, 'worker-process');
  try {
    await handler.handle({ backupId: process.env['ZT_BACKUP_ID']! }, { jobId: 'job', attempt: 1, signal: new AbortController().signal });
  } finally {
    sshPool.close();
    await stores.close();
  }
}

if (require.main === module) {
  runBackupWorkerProcess().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
