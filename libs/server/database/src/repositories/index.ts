export * from './team-scope';
export * from './entity-repository';
export * from './servers.repository';
export { REPOSITORIES } from './repositories';
