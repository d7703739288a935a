// Lint for the whole workspace: `npm run lint` (eslint --max-warnings 0 .).
// Kept lean on purpose: correctness rules and module boundaries, no formatting rules.
import nx from '@nx/eslint-plugin';
import { defineConfig } from 'eslint/config';
import { createProjectGraphAsync } from 'nx/src/devkit-exports.js';
import tseslint from 'typescript-eslint';
import { featureBoundaries } from './apps/web/eslint/feature-boundaries.mjs';

// @nx/enforce-module-boundaries only reads the cached project graph (.nx/workspace-data) and
// silently skips itself when the cache is missing; a stale cache misses new projects. Build
// the graph once here (in-process: the daemon is off in nx.json, ~1s) so a plain `eslint .`
// always checks boundaries against the current project.json tags.
try {
  await createProjectGraphAsync({ exitOnError: false });
} catch (error) {
  throw new Error(`eslint.config.mjs: could not create the Nx project graph: ${error?.message ?? error}`, {
    cause: error,
  });
}

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const TEST_FILES = ['**/*.spec.ts', '**/*.spec.tsx', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'apps/api/test/**'];
// Fakes live behind each lib's `testing` entry (e.g. `@zpanel/remote/testing`); production code never imports one.
const NO_TESTING_ENTRIES = { group: ['@zpanel/*/testing'], message: 'Fakes are for tests: production code imports the lib itself.' };
// Code allowed to print: CLI scripts and test-harness support.
const CONSOLE_OK_FILES = ['scripts/**', 'bench/**', 'libs/server/testing/**', 'apps/api/test/**', 'apps/e2e/**', 'apps/web/src/test/**'];

// Data access goes through the repositories of @zpanel/database (see the tenancy blocks below): no
// TypeORM repository or query builder of one's own, no raw query on a DataSource or EntityManager;
// an injected DataSource only opens transactions (`this.dataSource.transaction(...)`).
const REPOSITORIES_MESSAGE = 'Reach rows through a repository of @zpanel/database (repo.in(manager) inside a transaction).';
const DATA_ACCESS_THROUGH_REPOSITORIES = [
  "CallExpression[callee.property.name='getRepository']",
  "CallExpression[callee.property.name='createQueryBuilder']",
  "CallExpression[callee.property.name='query'][callee.object.name='manager']",
  "MemberExpression[object.object.type='ThisExpression'][object.property.name='dataSource'][property.name=/^(manager|query)$/]",
].map((selector) => ({ selector, message: REPOSITORIES_MESSAGE }));

// Who may import whom (docs/architecture.md, "Libraries and who may import whom").
// Each source tag lists every tag it may depend on; a tag missing here may import nothing.
const allowedDeps = {
  'scope:api': ['type:contracts', 'type:core', 'type:database', 'type:queue'],
  'scope:worker': ['type:contracts', 'type:core', 'type:database', 'type:queue', 'type:remote', 'type:runners'],
  'scope:web': ['type:contracts'],
  'scope:e2e': ['type:contracts', 'type:testing'],
  'type:contracts': [],
  'type:core': ['type:contracts'],
  'type:database': ['type:core', 'type:contracts'],
  'type:queue': ['type:core', 'type:contracts'],
  'type:remote': ['type:core', 'type:contracts'],
  'type:runners': ['type:remote', 'type:queue', 'type:database', 'type:core', 'type:contracts'],
  'type:testing': ['type:database', 'type:core', 'type:contracts', 'type:queue'],
};

// Test files of server-side projects may also use the test harness; production files may not.
// (Not web or contracts: the harness is Node-only and contracts must stay dependency-free.)
const testMayAlsoUseHarness = new Set(['scope:api', 'scope:worker', 'type:core', 'type:database', 'type:queue', 'type:remote', 'type:runners']);

const boundaries = ({ tests }) => [
  'error',
  {
    enforceBuildableLibDependency: false, // libs are compiled into each app, not built on their own
    banTransitiveDependencies: false,
    allow: [],
    depConstraints: Object.entries(allowedDeps).map(([sourceTag, tags]) => ({
      sourceTag,
      onlyDependOnLibsWithTags: tests && testMayAlsoUseHarness.has(sourceTag) ? [...tags, 'type:testing'] : tags,
    })),
  },
];

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '.nx/',
      '**/tmp/',
      '**/coverage/',
      '**/.vite/',
      '**/test-results/',
      '.zpanel/',
      '**/*.js', // build output; hand-written JS in this repo is .mjs/.cjs
    ],
  },
  {
    files: [...TS_FILES, '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.recommended],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ tests: false }),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: 'error',
      // A focused or skipped test must not reach main: it silently shrinks the suite.
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test'].flatMap((object) =>
          ['only', 'skip', 'todo'].map((property) => ({
            object,
            property,
            message: `Remove ${object}.${property}: focused/skipped tests are not committed.`,
          })),
        ),
      ],
      'no-restricted-globals': [
        'error',
        ...['fit', 'fdescribe', 'xit', 'xdescribe', 'xtest'].map((name) => ({
          name,
          message: `Remove ${name}: focused/skipped tests are not committed.`,
        })),
      ],
    },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': boundaries({ tests: true }) },
  },
  {
    files: TS_FILES,
    // The test harness is test code too: it builds on the database layer's test helpers.
    ignores: [...TEST_FILES, 'libs/server/testing/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TESTING_ENTRIES] }] },
  },
  {
    // Contracts are plain TypeScript shared by the SPA and the server: relative imports only,
    // no npm packages (@nestjs/*, typeorm, ioredis, bullmq, ssh2, dockerode, react, ...),
    // no Node built-ins, not even type-only.
    files: ['libs/shared/contracts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.{1,2}/)',
              message: 'libs/shared/contracts is plain TypeScript: import only its own files (relative paths).',
            },
          ],
        },
      ],
    },
  },
  {
    // The API's access layer is the ground floor: feature folders import it, never the other way.
    files: ['apps/api/src/access/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!http/)',
              message: 'apps/api/src/access imports only libs and http/, never a feature folder.',
            },
            NO_TESTING_ENTRIES,
          ],
        },
      ],
    },
  },
  {
    // Tenancy by construction: the API and the runners reach rows through the repositories of
    // @zpanel/database (team-owned finders take a checked TeamScope), never through TypeORM directly.
    files: ['libs/server/runners/src/**/*.ts'],
    ignores: TEST_FILES,
    rules: { 'no-restricted-syntax': ['error', ...DATA_ACCESS_THROUGH_REPOSITORIES] },
  },
  {
    // The same for the API, which also never finds a team-owned row across teams.
    files: ['apps/api/src/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-syntax': [
        'error',
        ...DATA_ACCESS_THROUGH_REPOSITORIES,
        {
          selector: "CallExpression[callee.property.name='findByIdAcrossTeams']",
          message: 'The API finds team-owned rows with a TeamScope (repository.get/find), never across teams.',
        },
      ],
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'zpanel-web': { rules: { 'feature-boundaries': featureBoundaries } } },
    rules: { 'zpanel-web/feature-boundaries': 'error' },
  },
  {
    files: CONSOLE_OK_FILES,
    rules: { 'no-console': 'off' },
  },
);
