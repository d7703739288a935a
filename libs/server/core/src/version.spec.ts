import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZPANEL_VERSION } from './version';

describe('ZPANEL_VERSION', () => {
  it('matches the version in the root package.json', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8'));
    expect(ZPANEL_VERSION).toBe(pkg.version);
  });
});
