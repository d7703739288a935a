import { anyGlobMatches, globMatches, globToRegExp } from './glob';

describe('globMatches', () => {
  it.each([
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/deep/a.ts', false],
    ['src/**', 'src/deep/er/a.ts', true],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/x/y/a.ts', true],
    ['src/**/*.ts', 'src/x/y/a.js', false],
    ['**/Dockerfile', 'Dockerfile', true],
    ['**/Dockerfile', 'apps/web/Dockerfile', true],
    ['**/Dockerfile', 'apps/web/Dockerfile.dev', false],
    ['apps/api/**', 'apps/api', false],
    ['apps/api/**', 'apps/api/main.ts', true],
    ['apps/api/**', 'apps/apix/main.ts', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file12.txt', false],
    ['file?.txt', 'file/.txt', false],
    ['README.md', 'README.md', true],
    ['README.md', 'READMEamd', false],
    ['a+b(c)[d]$.txt', 'a+b(c)[d]$.txt', true],
    ['docs/*', '/docs/x.md', true],
  ])('%s against %s is %s', (pattern, path, expected) => {
    expect(globMatches(pattern, path)).toBe(expected);
  });

  it('treats regex syntax in a pattern literally', () => {
    expect(globToRegExp('.*').test('anything')).toBe(false);
    expect(globToRegExp('(a|b)').test('a')).toBe(false);
  });
});

describe('anyGlobMatches', () => {
  it('is true when one path matches one pattern', () => {
    expect(anyGlobMatches(['apps/api/**', 'libs/**'], ['README.md', 'libs/core/x.ts'])).toBe(true);
  });

  it('is false when none matches, or there are no paths', () => {
    expect(anyGlobMatches(['apps/api/**'], ['apps/web/x.ts'])).toBe(false);
    expect(anyGlobMatches(['apps/api/**'], [])).toBe(false);
  });
});
