import { Injectable } from '@nestjs/common';
import { AddressPolicy, type AppConfig, InjectConfig, type SecretBox } from '@zpanel/core';
import { type BackupDestinationEntity, backupSecretKeyAad } from '@zpanel/database';
import { type ObjectStore, type OutboundResolver, S3ObjectStore, ServerDirectoryStore, StorageError, type StreamingShell } from '@zpanel/remote';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';

/** A destination's settings as the worker uses them: the S3 secret already opened from the secret box. */
export type DestinationSettings =
  | {
      kind: 's3';
      endpoint: string;
      region: string;
      bucket: string;
      prefix: string;
      forcePathStyle: boolean;
      accessKeyId: string;
      secretAccessKey: string;
    }
  | { kind: 'server'; serverId: string; path: string };

/**
 * A saved destination's settings for `DestinationStores.open`: its S3 secret (as
 * `BackupDestinationsRepository.sealedKeys` reads it) opened bound to the row.
 */
export function destinationSettingsOf(row: BackupDestinationEntity, sealedSecretAccessKey: string | null, box: SecretBox): DestinationSettings {
  if (row.kind === 'server') return { kind: 'server', serverId: row.serverId ?? '', path: row.path ?? '' };
  return {
    kind: 's3',
    endpoint: row.endpoint ?? '',
    region: row.region ?? '',
    bucket: row.bucket ?? '',
    prefix: row.prefix ?? '',
    forcePathStyle: row.forcePathStyle ?? false,
    accessKeyId: row.accessKeyId ?? '',
    secretAccessKey: sealedSecretAccessKey ? box.open(sealedSecretAccessKey, backupSecretKeyAad(row.id)) : '',
  };
}

/** A store and what to call once done with it (an S3 store's sockets). */
export interface OpenedStore {
  store: ObjectStore;
  close(): void;
}

/** What building a server directory store needs of the server, found by the caller. */
export interface DestinationServer {
  name: string;
  allowedRoots: readonly string[];
  shell: StreamingShell;
}

/**
 * The ObjectStore for a destination's settings: an S3 bucket behind the outbound address policy,
 * or a directory on a server (its shell and allowed roots given). Pure: `DestinationStores` finds
 * the server and the policy for the worker; unit tests pass their own.
 */
export function destinationStore(settings: DestinationSettings, deps: { policy: OutboundResolver; server?: DestinationServer }): OpenedStore {
  if (settings.kind === 's3') {
    const store = new S3ObjectStore(settings, { policy: deps.policy });
    return { store, close: () => store.destroy() };
  }
  if (!deps.server) throw new Error('a server destination needs its server');
  return { store: new ServerDirectoryStore(deps.server.shell, settings.path, deps.server.allowedRoots, deps.server.name), close: () => undefined };
}

/** The worker's stores: S3 through the instance's outbound policy, server directories through the worker's SSH pool. */
@Injectable()
export class DestinationStores {
  private readonly policy: AddressPolicy;

  constructor(
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    @InjectConfig() config: Pick<AppConfig, 'network'>,
  ) {
    this.policy = new AddressPolicy(config.network);
  }

  /**
   * Rejects with a StorageError ('not-found') when a server destination's server is gone or is
   * not the team's: a destination never reaches another team's server, whatever its row says.
   */
  async open(settings: DestinationSettings, teamId: string): Promise<OpenedStore> {
    if (settings.kind === 's3') return destinationStore(settings, { policy: this.policy });
    const loaded = await this.targets.load(settings.serverId);
    if (!loaded || loaded.server.teamId !== teamId) throw new StorageError('the destination server no longer exists', 'not-found');
    return destinationStore(settings, {
      policy: this.policy,
      server: { name: loaded.server.name, allowedRoots: loaded.server.allowedBindRoots, shell: this.pool.shell(loaded.target) },
    });
  }
}
