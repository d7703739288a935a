// What other projects use: the worker imports the module, which provides every job handler.
// Handlers and helpers stay internal to the library; test doubles are in ./testing.
export * from './runners.module';
// Instance backups' source, also run by `npm run restore-instance` (apps/worker/src/restore-instance.ts).
export { InstanceDatabase, InstanceDatabaseError } from './backups/instance-database';
