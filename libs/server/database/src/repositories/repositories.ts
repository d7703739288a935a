import type { EntityManager } from 'typeorm';
import type { EntityRepository } from './entity-repository';
import { ServersRepository } from './servers.repository';

/** Every repository, provided by `DatabaseModule` to the API and the worker alike. */
export const REPOSITORIES: ReadonlyArray<new (manager: EntityManager) => EntityRepository<object>> = [ServersRepository];
