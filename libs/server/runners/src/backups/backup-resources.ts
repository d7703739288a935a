import { Injectable } from '@nestjs/common';
import type { BackupCompression, DatabaseEngine } from '@zpanel/contracts';
import {
  type AppConfig,
  InjectConfig,
  ReasonError,
  SecretBox,
  backupDataKeyId,
  createBackupDecoder,
  createBackupEncoder,
  openBackupDataKey,
  zpanelDockerNames,
} from '@zpanel/core';
import {
  ApplicationMountsRepository,
  ApplicationsRepository,
  type BackupDestinationEntity,
  BackupDestinationsRepository,
  type DatabaseEntity,
  DatabasesRepository,
  databasePasswordAad,
  databaseRootPasswordAad,
  teamScope,
} from '@zpanel/database';
import { type BackupOps, type DatabaseTarget, type ObjectStore, type PooledTarget, TarInventory } from '@zpanel/remote';
import type { Duplex } from 'node:stream';
import { ServerTargets } from '../servers/server-targets';
import { BackupParts, type InstanceSource } from './backup-parts';
import type { OperationLog } from '../databases/operation-log';
import type { BackupSourceAccess } from './backup-runner';

/** Compression of every new backup: zstd is as small as gzip at a fraction of the CPU. */
export const BACKUP_COMPRESSION: BackupCompression = 'zstd';

/** A destination opened for one run: its store, its data key's coders; `release` closes the store's connections. */
export interface OpenDestination {
  destination: BackupDestinationEntity;
  store: ObjectStore;
  dataKeyId: string;
  encoder: () => Duplex;
  decoder: () => Duplex;
  release(): void;
}

/** A database or volume on its server, with the `BackupOps` reaching it; `release` closes the channels. */
export interface OpenSource {
  serverId: string | null;
  /** Database sources: the engine and image the dump is taken from (a verification restores into the same). */
  engine: DatabaseEngine | null;
  image: string | null;
  access: BackupSourceAccess;
  ops: BackupOps | null;
  database: (DatabaseEntity & { target: DatabaseTarget }) | null;
  /** Volume sources: the Docker volume. */
  volumeName: string | null;
  release(): void;
}

/**
 * What backup and restore runs read before they start: the destination (its store, its data key
 * opened from the SecretBox), and the source on its server (a running database with its credentials,
 * an application's named volume, or the instance's own PostgreSQL). A missing one is a
 * `ReasonError` in words (`backup.source_gone`, `backup.destination_gone`, `backup.server_gone`).
 */
@Injectable()
export class BackupResources {
  constructor(
    private readonly destinations: BackupDestinationsRepository,
    private readonly databases: DatabasesRepository,
    private readonly mounts: ApplicationMountsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly targets: ServerTargets,
    private readonly parts: BackupParts,
    private readonly box: SecretBox,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async destination(destinationId: string | null): Promise<OpenDestination> {
    const destination = destinationId === null ? null : await this.destinations.findByIdAcrossTeams(destinationId);
    if (!destination) throw new ReasonError('backup.destination_gone', 'The backup destination no longer exists.');
    const sealed = await this.destinations.sealedKeys(teamScope(destination.teamId), destination.id);
    if (!sealed) throw new ReasonError('backup.destination_gone', 'The backup destination no longer exists.');
    const dataKey = openBackupDataKey(this.box, destination.id, sealed.dataKey);
    const opened = await this.parts.storeFor(destination, sealed);
    return {
      destination,
      store: opened.store,
      dataKeyId: backupDataKeyId(dataKey),
      encoder: () => createBackupEncoder({ dataKey, compression: BACKUP_COMPRESSION }),
      decoder: () => createBackupDecoder({ dataKey }),
      release: opened.release,
    };
  }

  /** A database's server side, whatever its status (a restore into it checks the status itself). */
  async database(
    teamId: string | null,
    databaseId: string | null,
    log: OperationLog,
    options: { mustRun: boolean },
  ): Promise<OpenSource & { ops: BackupOps; database: DatabaseEntity & { target: DatabaseTarget } }> {
    const database = teamId === null || databaseId === null ? null : await this.databases.find(teamScope(teamId), databaseId);
    if (!database) throw new ReasonError('backup.source_gone', 'The database no longer exists.');
    if (options.mustRun && database.status !== 'running') {
      throw new ReasonError('backup.source_gone', `The database ${database.name} is ${database.status}, not running: start it first.`);
    }
    const team = teamScope(database.teamId);
    const sealed = await this.databases.sealedSecrets(team, database.id);
    if (!sealed) throw new ReasonError('backup.source_gone', 'The database no longer exists.');
    const password = this.box.open(sealed.password, databasePasswordAad(database.id));
    const rootPassword = sealed.rootPassword === null ? null : this.box.open(sealed.rootPassword, databaseRootPasswordAad(database.id));
    log.addSecret(password);
    if (rootPassword !== null) log.addSecret(rootPassword);
    const target: DatabaseTarget = {
      databaseId: database.id,
      engine: database.engine,
      databaseName: database.databaseName,
      userName: database.userName,
      password,
      rootPassword,
    };
    const { ops, release, serverName } = await this.opsOn(database.serverId);
    const access: BackupSourceAccess = {
      describe: `database ${database.name} (${database.engine}, ${database.image}) on ${serverName}`,
      inventory: (signal) => ops.inventory({ databaseId: database.id }, target, signal),
      dump: (signal) => ops.dumpDatabase(target, signal),
    };
    return {
      serverId: database.serverId,
      engine: database.engine,
      image: database.image,
      access,
      ops,
      database: { ...database, target },
      volumeName: null,
      release,
    };
  }

  /** An application's named volume (`application_mounts` of kind `volume`) on the application's server. */
  async volume(teamId: string | null, volumeId: string | null): Promise<OpenSource & { ops: BackupOps; volumeName: string }> {
    const mount = volumeId === null ? null : await this.mounts.findByIdAcrossTeams(volumeId);
    if (!mount || mount.kind !== 'volume' || mount.name === null || mount.teamId !== teamId) {
      throw new ReasonError('backup.source_gone', 'The volume no longer exists.');
    }
    const application = await this.applications.find(teamScope(mount.teamId), mount.applicationId);
    if (!application) throw new ReasonError('backup.source_gone', 'The application of this volume no longer exists.');
    const volumeName = zpanelDockerNames(this.config.docker.namespace).appVolume(application.id, mount.name);
    const { ops, release, serverName } = await this.opsOn(application.serverId);
    return {
      serverId: application.serverId,
      engine: null,
      image: null,
      access: {
        describe: `volume ${mount.name} of ${application.name} on ${serverName}`,
        dump: (signal) => ops.dumpVolume(volumeName, signal),
        dumpInventory: () => new TarInventory(),
      },
      ops,
      database: null,
      volumeName,
      release,
    };
  }

  /** Zpanel's own PostgreSQL, as verifications restore into it. */
  instanceSource(): InstanceSource {
    return this.parts.instanceDatabase();
  }

  /** Zpanel's own PostgreSQL, dumped from the worker's host. */
  instance(): OpenSource {
    const instance = this.parts.instanceDatabase();
    return {
      serverId: null,
      engine: 'postgresql',
      image: null,
      access: { describe: "Zpanel's own PostgreSQL", dump: (signal) => instance.dump(signal) },
      ops: null,
      database: null,
      volumeName: null,
      release: () => undefined,
    };
  }

  /** `BackupOps` on a server (a verification's throwaway container goes on the source's server). */
  async opsOn(serverId: string | null): Promise<{ ops: BackupOps; release(): void; serverName: string }> {
    const loaded = serverId === null ? undefined : await this.targets.load(serverId);
    if (!loaded) throw new ReasonError('backup.server_gone', 'The server no longer exists.');
    const { ops, release } = this.parts.opsFor(loaded.target as PooledTarget);
    return { ops, release, serverName: loaded.server.name };
  }
}
