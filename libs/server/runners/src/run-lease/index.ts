export * from './run-lease';
export * from './run-reaper';
export * from './run-kinds';
