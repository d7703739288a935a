export * from './runners.module';
export * from './system/system-probe.handler';
