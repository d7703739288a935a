export * from './ssh/remote-shell';
export * from './ssh/ssh-connection';
export * from './ssh/ssh-pool';
export * from './docker/docker-over-ssh';
export * from './docker/containers';
export * from './docker/fake-containers';
export * from './docker/log-demux';
