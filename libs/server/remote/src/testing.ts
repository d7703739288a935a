// Fakes of the remote interfaces, for unit tests only: production code imports `@zpanel/remote`, which carries none.
export * from './docker/fake-containers';
export * from './metrics/fake-server-sampler';
export * from './proxy/fake-proxy-configurator';
export * from './databases/fake-database-ops';
export * from './backups/fake-backup-ops';
export * from './storage/fake-object-store';
export * from './notifications/fake-notification-senders';
