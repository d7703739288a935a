import type { SecretBox } from '@zpanel/core';
import { ServersRepository, SshKeysRepository } from '@zpanel/database';
import type { DataSource } from 'typeorm';
import { ServerTargets } from './server-targets';

/** `ServerTargets` over a test's own data source, as the worker's module builds it. */
export function serverTargetsOver(dataSource: DataSource, box: SecretBox): ServerTargets {
  return new ServerTargets(new ServersRepository(dataSource.manager), new SshKeysRepository(dataSource.manager), box);
}
