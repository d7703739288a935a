export * from './redis.module';
export * from './job-handler';
export * from './handler-map';
export * from './worker-registry';
export * from './job-producer';
export * from './queue.module';
export * from './bull-connection';
