import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { featureBoundaries } from '../../eslint/feature-boundaries.mjs';

const ROOT = path.join(path.sep, 'repo');
const SRC = path.join(ROOT, 'apps', 'web', 'src');

function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: ROOT });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts', '**/*.tsx'],
        languageOptions: { parser: tseslint.parser },
        plugins: { 'zpanel-web': { rules: { 'feature-boundaries': featureBoundaries } } },
        rules: { 'zpanel-web/feature-boundaries': 'error' },
      },
    ],
    { filename: path.join(SRC, file) },
  );
  return messages.map((message) => (message.ruleId === 'zpanel-web/feature-boundaries' ? message.message : `${message.ruleId}: ${message.message}`));
}

// The rule itself; that the SPA follows it is checked by `npm run lint` over every file.
describe('feature boundaries lint rule', () => {
  it('refuses a feature importing another feature, in any form', () => {
    expect(lint('features/servers/pages/x.tsx', "import { ServerMetrics } from '../../metrics/components/server-metrics';")).toEqual([
      expect.stringContaining("Feature 'servers' imports feature 'metrics'"),
    ]);
    expect(lint('features/auth/x.ts', "export { TwoFactorCard } from '../two-factor';")).toHaveLength(1);
    expect(lint('features/auth/x.ts', "export * from '../teams/labels';")).toHaveLength(1);
    expect(lint('features/auth/x.ts', "void import('../two-factor/components/two-factor-card');")).toHaveLength(1);
  });

  it('lets a feature import its own files and the shared layers', () => {
    const code = [
      "import { useMe } from '../../../shared/session/queries';",
      "import { Dialog } from '../../../components/dialog';",
      "import { apiRequest } from '../../../lib/api-client';",
      "import { useChangePassword } from '../mutations';",
      "import type { ApplicationDto } from '@zpanel/contracts';",
      "import '../auth.css';",
    ].join('\n');
    expect(lint('features/auth/pages/x.tsx', code)).toEqual([]);
  });

  it('lets only the app import a feature, and only through its index', () => {
    expect(lint('app/x.tsx', "import { ServersPage } from '../features/servers';")).toEqual([]);
    expect(lint('app/x.tsx', "import { ServersPage } from '../features/servers/index';")).toEqual([]);
    expect(lint('app/x.tsx', "import { ServersPage } from '../features/servers/pages/servers-page';")).toEqual([
      expect.stringContaining("Import feature 'servers' through its index"),
    ]);
    for (const [file, specifier] of [
      ['shared/servers/x.ts', '../../features/servers'],
      ['components/x.tsx', '../features/servers'],
      ['lib/x.ts', '../features/servers'],
      ['test/x.ts', '../features/servers/pages/servers-page'],
    ]) {
      expect(lint(file, `import { ServersPage } from '${specifier}';`)).toEqual([
        expect.stringContaining("Only src/app imports a feature ('servers')"),
      ]);
    }
  });
});
