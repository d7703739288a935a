export * from './test-env';
export * from './free-port';
export * from './wait-for';
export * from './redis-server';
export * from './stack';
export * from './api-session';
export * from './api-call';
export * from './secret-scan';
