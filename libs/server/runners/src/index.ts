// What other projects use: the worker imports the module, which provides every job handler.
// Handlers and helpers stay internal to the library; test doubles are in ./testing.
export * from './runners.module';
