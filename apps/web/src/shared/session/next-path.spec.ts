import { describe, expect, it } from 'vitest';
import { loginPath, safeNextPath } from './next-path';

const ORIGIN = 'http://127.0.0.1:4200';

describe(safeNextPath.name, () => {
  it.each([
    ['/system', '/system'],
    ['/apps/web?tab=logs#line-4', '/apps/web?tab=logs#line-4'],
    ['/a/../system', '/system'],
  ])('keeps the same-origin path %s', (next, expected) => {
    expect(safeNextPath(next, ORIGIN)).toBe(expected);
  });

  it.each([
    ['nothing', null],
    ['an empty value', ''],
    ['a protocol-relative URL', '//evil.example/x'],
    ['an absolute URL', 'https://evil.example/x'],
    ['a same-origin absolute URL (still not a path)', `${ORIGIN}/system`],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a tab the URL parser strips', '/\t/evil.example'],
    ['a relative path', 'system'],
    ['the login page itself', '/login?next=/system'],
    ['the set-up page', '/setup'],
  ])('falls back to / for %s', (_kind, next) => {
    expect(safeNextPath(next, ORIGIN)).toBe('/');
  });
});

describe(loginPath.name, () => {
  it('carries the page to return to, encoded, but not the home page', () => {
    expect(loginPath('/system?tab=workers')).toBe('/login?next=%2Fsystem%3Ftab%3Dworkers');
    expect(loginPath('/')).toBe('/login');
    expect(loginPath()).toBe('/login');
  });
});
