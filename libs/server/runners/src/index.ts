export * from './runners.module';
export * from './system/system-probe.handler';
export * from './servers/server-validation.handler';
export * from './servers/ssh-pool.provider';
export * from './servers/server-containers.handler';
export * from './servers/container-logs-follow.handler';
export * from './servers/container-log-follower';
export * from './servers/server-targets';
