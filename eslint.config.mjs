// Lint for the whole workspace: `npm run lint` (eslint --max-warnings 0 .).
// Kept lean on purpose: correctness rules and module boundaries, no formatting rules.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nx from '@nx/eslint-plugin';
import { defineConfig } from 'eslint/config';
import { createProjectGraphAsync } from 'nx/src/devkit-exports.js';
import tseslint from 'typescript-eslint';

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
// Code allowed to print: CLI scripts and test-harness support.
const CONSOLE_OK_FILES = [
  'scripts/**',
  'bench/**',
  'libs/server/testing/**',
  'apps/api/test/**',
  'apps/e2e/**',
  'apps/web/src/test/**',
];

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
const testMayAlsoUseHarness = new Set([
  'scope:api',
  'scope:worker',
  'type:core',
  'type:database',
  'type:queue',
  'type:remote',
  'type:runners',
]);

// SPA feature boundaries (docs/architecture.md, "Web app"): a feature folder under
// apps/web/src/features imports only its own files and the shared layers (components, lib,
// shared); what several features need lives in shared/ or components/. Only the app folder
// (router and shell) imports a feature, and only through its index. Resolved from the file's
// path, since relative specifiers ('../../servers/queries') cannot be matched by a pattern.
const WEB_SRC = fileURLToPath(new URL('apps/web/src', import.meta.url));
const webArea = (file) => {
  const parts = path.relative(WEB_SRC, file).split(path.sep);
  if (parts[0] === '..' || path.isAbsolute(parts[0])) return null;
  return parts[0] === 'features' ? { area: 'features', feature: parts[1], rest: parts.slice(2) } : { area: parts[0] };
};
const featureBoundaries = {
  meta: {
    type: 'problem',
    messages: {
      otherFeature:
        "Feature '{{from}}' imports feature '{{to}}': move what both need to shared/ or components/, or let the router (src/app) compose them.",
      notFromApp: "Only src/app imports a feature ('{{to}}'); move what this needs to shared/ or components/.",
      deepImport: "Import feature '{{to}}' through its index ('…/features/{{to}}'), not its files.",
    },
    schema: [],
  },
  create(context) {
    const from = webArea(context.filename);
    if (!from) return {};
    const check = (node) => {
      const spec = node?.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = webArea(path.resolve(path.dirname(context.filename), spec));
      if (!to || to.area !== 'features') return;
      const data = { from: from.feature, to: to.feature };
      if (from.area === 'features') {
        if (from.feature !== to.feature) context.report({ node: node.source, messageId: 'otherFeature', data });
      } else if (from.area !== 'app') {
        context.report({ node: node.source, messageId: 'notFromApp', data });
      } else if (to.rest.length > 0 && !(to.rest.length === 1 && /^index(\.tsx?)?$/.test(to.rest[0]))) {
        context.report({ node: node.source, messageId: 'deepImport', data });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

const boundaries = ({ tests }) => [
  'error',
  {
    enforceBuildableLibDependency: false, // libs are compiled into each app, not built on their own
    banTransitiveDependencies: false,
    allow: [],
    depConstraints: Object.entries(allowedDeps).map(([sourceTag, tags]) => ({
      sourceTag,
      onlyDependOnLibsWithTags:
        tests && testMayAlsoUseHarness.has(sourceTag) ? [...tags, 'type:testing'] : tags,
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
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
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
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'zpanel-web': { rules: { 'feature-boundaries': featureBoundaries } } },
    rules: { 'zpanel-web/feature-boundaries': 'error' },
  },
  {
    files: CONSOLE_OK_FILES,
    rules: { 'no-console': 'off' },
  },
);
