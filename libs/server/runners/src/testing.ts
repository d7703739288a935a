// Test doubles and test wiring, apart from the production barrel (index.ts) so no application bundles them.
export * from './deployment/fake-deployment-ops';
export * from './servers/server-targets.testing';
export * from './worker-stores.testing';
export * from './notifications/event-notifications.testing';
