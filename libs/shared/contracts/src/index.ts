export * from './problem';
export * from './pagination';
export * from './system';
export * from './queue';
export * from './socket-events';
export * from './identity';
export * from './teams';
export * from './two-factor';
