import { GLOB_LIMITS, GlobSyntaxError, compileGlob, globMatches, matchWatchPaths } from './glob';

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
    ['**/Dockerfile', 'apps/webDockerfile', false],
    ['apps/api/**', 'apps/api', false],
    ['apps/api/**', 'apps/api/main.ts', true],
    ['apps/api/**', 'apps/apix/main.ts', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file12.txt', false],
    ['file?.txt', 'file/.txt', false],
    ['README.md', 'README.md', true],
    ['README.md', 'READMEamd', false],
    ['a+b(c)$.txt', 'a+b(c)$.txt', true],
    ['docs/*', '/docs/x.md', true],
    ['{a,b}/**', 'a/x.ts', true],
    ['{a,b}/**', 'b/deep/x.ts', true],
    ['{a,b}/**', 'c/x.ts', false],
    ['{a,b}/**', 'ab/x.ts', false],
    ['src/{api,web/{x,y}}/*.ts', 'src/web/y/m.ts', true],
    ['src/{api,web/{x,y}}/*.ts', 'src/web/z/m.ts', false],
    ['*.{js,}', 'a.', true],
    ['[ab]', 'a', true],
    ['[ab]', 'b', true],
    ['[ab]', 'c', false],
    ['[ab]', 'ab', false],
    ['v[0-9]*', 'v1.2', true],
    ['v[0-9]*', 'vx', false],
    ['[!ab]x', 'cx', true],
    ['[!ab]x', 'ax', false],
    ['[^ab]x', 'ax', false],
    ['a[!b]c', 'a/c', false],
    ['release/**', 'release/2026/12', true],
    ['v*', 'release/v1', false],
  ])('%s against %s is %s', (pattern, path, expected) => {
    expect(globMatches(pattern, path)).toBe(expected);
  });

  it('treats regular expression syntax in a pattern literally', () => {
    expect(globMatches('.*', 'anything')).toBe(false);
    expect(globMatches('.*', '.xyz')).toBe(true);
    expect(globMatches('(a|b)', 'a')).toBe(false);
    expect(globMatches('(a|b)', '(a|b)')).toBe(true);
  });

  it('refuses malformed globs with a message', () => {
    for (const bad of ['a{b', 'a}b', 'a,b', 'a[b', 'a]', '[]', '[z-a]', '[a/b]', '!x', '']) {
      expect(() => compileGlob(bad)).toThrow(GlobSyntaxError);
    }
    expect(() => compileGlob('x'.repeat(GLOB_LIMITS.patternLength + 1))).toThrow(/longer than/);
    expect(() => compileGlob('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}')).toThrow(/more than 32 alternatives/);
    expect(compileGlob('!docs/**', { allowNegation: true }).negated).toBe(true);
  });

  it('answers patterns that make a backtracking engine take exponential time, in one linear pass', () => {
    // A RegExp for this pattern (picomatch's or the one this file used to build) needs seconds for 80 `a`s.
    expect(globMatches('*a*a*a*a*a*a*c', 'a'.repeat(1000))).toBe(false);
    expect(globMatches('*a*a*a*a*a*a*c', `${'a'.repeat(1000)}c`)).toBe(true);
    expect(globMatches('**a**a**a**a**a**a**c', `${'a/'.repeat(500)}`)).toBe(false);
    expect(globMatches(`${'*a'.repeat(60)}c`, 'a'.repeat(GLOB_LIMITS.pathLength))).toBe(false);
  });
});

describe('matchWatchPaths', () => {
  it('matches when one changed file matches one pattern', () => {
    expect(matchWatchPaths(['apps/api/**', 'libs/**'], ['README.md', 'libs/core/x.ts'])).toEqual({ result: 'match', path: 'libs/core/x.ts' });
  });

  it('does not match when no file matches, or there are no files', () => {
    expect(matchWatchPaths(['apps/api/**'], ['apps/web/x.ts'])).toEqual({ result: 'no-match' });
    expect(matchWatchPaths(['apps/api/**'], [])).toEqual({ result: 'no-match' });
  });

  it('counts a file that matches a positive pattern and no negative one', () => {
    const globs = ['**', '!docs/**', '!*.md'];
    expect(matchWatchPaths(globs, ['docs/a.md', 'README.md'])).toEqual({ result: 'no-match' });
    expect(matchWatchPaths(globs, ['docs/a.md', 'src/a.ts'])).toEqual({ result: 'match', path: 'src/a.ts' });
    expect(matchWatchPaths(['{a,b}/**', '!b/generated/**'], ['b/generated/x.ts'])).toEqual({ result: 'no-match' });
    expect(matchWatchPaths(['{a,b}/**', '!b/generated/**'], ['b/generated/x.ts', 'b/src/x.ts'])).toEqual({ result: 'match', path: 'b/src/x.ts' });
    expect(matchWatchPaths(['!docs/**'], ['src/a.ts'])).toEqual({ result: 'no-match' });
  });

  it('leaves the decision open past its caps instead of spending unbounded time', () => {
    expect(
      matchWatchPaths(
        ['src/**'],
        Array.from({ length: GLOB_LIMITS.changedFiles + 1 }, (_, i) => `x/${i}`),
      ).result,
    ).toBe('unchecked');
    expect(matchWatchPaths(['src/**'], [`src/${'a'.repeat(GLOB_LIMITS.pathLength)}`]).result).toBe('unchecked');
    // Many hostile patterns against many long paths: the step budget ends it.
    const hostile = Array.from({ length: 50 }, (_, i) => `${'*a'.repeat(100)}c${i}`);
    const paths = Array.from({ length: 2000 }, (_, i) => `${'a'.repeat(1000)}${i}`);
    expect(matchWatchPaths(hostile, paths)).toEqual({
      result: 'unchecked',
      reason: 'the watch paths take too long to compare with the changed files',
    });
    expect(matchWatchPaths(['{'], ['a']).result).toBe('unchecked');
  });
});
