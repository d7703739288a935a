import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig, ReasonError, SecretBox, zpanelDockerNames } from '@zpanel/core';
import { type BackupDestinationEntity, type SealedDestinationKeys, backupSecretKeyAad } from '@zpanel/database';
import { type BackupOps, DockerBackupOps, type ObjectStore, type PooledTarget, releaseDocker } from '@zpanel/remote';
import type { Readable } from 'node:stream';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { type DestinationSettings, DestinationStores } from './destination-stores';
import { InstanceDatabase, InstanceDatabaseError } from './instance-database';

/** The outside world of backup runs: Docker on a server, a destination's store, the instance's PostgreSQL. */
export interface BackupWorld {
  opsFor(target: PooledTarget): { ops: BackupOps; release(): void };
  storeFor(destination: BackupDestinationEntity, sealed: SealedDestinationKeys): Promise<{ store: ObjectStore; release(): void }>;
  instanceDatabase(): InstanceSource;
}

/** The instance's PostgreSQL as the runs use it; errors already in words (`backup.*`). */
export interface InstanceSource {
  dump: InstanceDatabase['dump'];
  verify: InstanceDatabase['verify'];
}

function inWords(error: unknown, code: 'backup.dump_failed' | 'backup.restore_failed'): unknown {
  return error instanceof InstanceDatabaseError ? new ReasonError(code, `Zpanel's database: ${error.message}`, { cause: error }) : error;
}

/**
 * The real parts, one place for the runs to get them from; specs replace `world` with fakes
 * (FakeBackupOps, FakeObjectStore) the way the database operation handler's `opsFor` is replaced.
 */
@Injectable()
export class BackupParts implements BackupWorld {
  world: BackupWorld;

  constructor(pool: WorkerSshPool, destinationStores: DestinationStores, box: SecretBox, @InjectConfig() config: AppConfig) {
    this.world = productionWorld(pool, destinationStores, box, config);
  }

  opsFor(target: PooledTarget): { ops: BackupOps; release(): void } {
    return this.world.opsFor(target);
  }

  storeFor(destination: BackupDestinationEntity, sealed: SealedDestinationKeys): Promise<{ store: ObjectStore; release(): void }> {
    return this.world.storeFor(destination, sealed);
  }

  instanceDatabase(): InstanceSource {
    return this.world.instanceDatabase();
  }
}

/** A destination's row as the store factory takes it, its S3 secret opened (bound to the destination). */
function destinationSettings(destination: BackupDestinationEntity, sealed: SealedDestinationKeys, box: SecretBox): DestinationSettings {
  if (destination.kind === 'server') return { kind: 'server', serverId: destination.serverId ?? '', path: destination.path ?? '' };
  return {
    kind: 's3',
    endpoint: destination.endpoint ?? '',
    region: destination.region ?? '',
    bucket: destination.bucket ?? '',
    prefix: destination.prefix ?? '',
    forcePathStyle: destination.forcePathStyle ?? false,
    accessKeyId: destination.accessKeyId ?? '',
    secretAccessKey: sealed.secretAccessKey === null ? '' : box.open(sealed.secretAccessKey, backupSecretKeyAad(destination.id)),
  };
}

function productionWorld(pool: WorkerSshPool, destinationStores: DestinationStores, box: SecretBox, config: AppConfig): BackupWorld {
  return {
    opsFor: (target) => {
      const docker = pool.docker(target);
      const ops = new DockerBackupOps(docker, { names: zpanelDockerNames(config.docker.namespace), helperImage: config.backups.helperImage });
      return { ops, release: () => releaseDocker(docker) };
    },
    storeFor: async (destination, sealed) => {
      const opened = await destinationStores.open(destinationSettings(destination, sealed, box), destination.teamId);
      return { store: opened.store, release: opened.close };
    },
    instanceDatabase: () => {
      const instance = new InstanceDatabase(config.database.url);
      return {
        dump: async (signal) => {
          try {
            const dump = await instance.dump(signal);
            const done = dump.done.catch((error: unknown) => Promise.reject(inWords(error, 'backup.dump_failed')));
            // Awaited by the runner after the stream; until then a rejection is not unhandled.
            done.catch(() => undefined);
            return { ...dump, done };
          } catch (error) {
            throw inWords(error, 'backup.dump_failed');
          }
        },
        verify: (dump: Readable, expected, signal) =>
          instance.verify(dump, expected, signal).catch((error: unknown) => Promise.reject(inWords(error, 'backup.restore_failed'))),
      };
    },
  };
}
