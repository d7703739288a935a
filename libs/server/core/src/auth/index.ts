export * from './password';
export * from './jwt';
export * from './opaque-token';
export * from './totp';
export * from './recovery-codes';
