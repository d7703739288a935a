import type { Config } from 'jest';
import { readFileSync } from 'node:fs';

// One transform for every server-side test: swc with decorator metadata, also applied to the
// ESM-only @nestjs packages and jose so Jest's CommonJS runtime can load them.
const swcrc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcrc.exclude;
delete swcrc.$schema;
swcrc.jsc.baseUrl = __dirname;

const tsPaths: Record<string, string[]> = swcrc.jsc.paths;
const moduleNameMapper = Object.fromEntries(
  Object.entries(tsPaths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target.replace(/^\.\//, '')}`]),
);

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|jose)/)'],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/apps/web/'],
};

const config: Config = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      setupFilesAfterEnv: ['<rootDir>/libs/server/testing/src/jest/real-services-timeout.ts'],
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/server/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/server/testing/src/jest/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'api-e2e',
      setupFilesAfterEnv: ['<rootDir>/libs/server/testing/src/jest/real-services-timeout.ts'],
      testMatch: ['<rootDir>/apps/api/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/server/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/server/testing/src/jest/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'browser-e2e',
      setupFilesAfterEnv: ['<rootDir>/libs/server/testing/src/jest/real-services-timeout.ts'],
      testMatch: ['<rootDir>/apps/e2e/src/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/server/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/server/testing/src/jest/global-teardown.ts',
    },
  ],
};

export default config;
