export * from './entities';
export * from './data-source-options';
export * from './migrate';
export * from './database.module';
export * from './database-url';
export { MIGRATIONS } from './migrations';
export * from './repeating-job-runs';
export * from './repositories';
export * from './notifications/event-messages';
