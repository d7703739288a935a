export * from './ssh/remote-shell';
export * from './ssh/ssh-connection';
export * from './docker/docker-over-ssh';
