export * from './ssh/remote-shell';
export * from './ssh/ssh-connection';
export * from './ssh/ssh-pool';
export * from './docker/docker-over-ssh';
