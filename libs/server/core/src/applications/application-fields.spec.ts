import { injectionPayloads } from '../shell/injection-payloads';
import {
  APPLICATION_FIELD_RULES,
  type ApplicationField,
  PULL_REQUEST_REF,
  isFetchableRef,
  previewAppName,
  previewDomainOf,
  pullRequestRef,
  tagRef,
} from './application-fields';

const VALID: Record<ApplicationField, string[]> = {
  name: ['web', 'api-2', 'a', 'x'.repeat(40)],
  gitBranch: ['main', 'release/1.2', 'feature/new_ui', 'v1.0.0'],
  gitCommit: ['abc1234', 'a'.repeat(40)],
  gitUrl: [
    'https://github.com/org/repo.git',
    'http://127.0.0.1:8080/repo.git',
    'ssh://git@gitlab.example.com:2222/org/repo.git',
    'git@github.com:org/repo.git',
  ],
  dockerfilePath: ['Dockerfile', 'docker/Dockerfile.prod', 'a.b/c_d-e'],
  baseDirectory: ['.', 'services/api'],
  buildTarget: ['runtime', 'build-stage_2'],
  imageReference: ['nginx', 'nginx:1.27', 'ghcr.io/org/app:v1', 'localhost:5000/app', `app@sha256:${'a'.repeat(64)}`, 'zpanel-test/busybox:latest'],
  imageTag: ['latest', 'v1.4.2', '1.27-alpine', 'sha-4f2a9c1', '_build', 'A'.repeat(128)],
  domain: ['app.example.com', 'a-b.c.example.test', 'xn--bcher-kva.example'],
  previewDomain: ['preview.example.com', 'pr.shop.example.test', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(46)}`],
  tagPattern: ['v*', 'release/**', 'v?.*', 'prod', '*', 'v[0-9]*', '{v,release-}*', 'v[!0]*'],
  envKey: ['DATABASE_URL', '_X', 'a1'],
  watchPath: [
    'apps/api/**',
    '**/*.ts',
    'Dockerfile',
    'docs/?.md',
    'libs/*/src/**',
    '{apps,libs}/**',
    '!docs/**',
    '[ab]/x',
    'src/[a-z]*.ts',
    'src/[!.]*',
  ],
};

const INVALID: Record<ApplicationField, string[]> = {
  name: ['', 'Web', '-web', 'web-', 'a_b', 'x'.repeat(41), 'zp web'],
  gitBranch: ['', '-main', '.hidden', 'a..b', 'a//b', 'a/', 'a.lock', 'a b', 'a@{1}', 'feat/.x', '/abs'],
  gitCommit: ['', 'abc', 'ABCDEF1', 'g'.repeat(40), 'a'.repeat(41)],
  gitUrl: [
    'ext::sh -c touch% /tmp/pwned',
    'file:///etc/passwd',
    '/srv/repo.git',
    '-uhttps://x',
    'https://user:secret@github.com/org/repo.git',
    'https://token@github.com/org/repo.git',
    'https://github.com/org/repo.git?x=1',
    'https://github.com/../../etc',
    "repo.git';curl x/$(whoami)",
    'git@github.com:-oProxyCommand=x',
    'ftp://example.com/repo.git',
  ],
  dockerfilePath: ['', '/etc/passwd', '../Dockerfile', 'a/../../b', '-f', 'a b', '.'.repeat(1) + '/x', 'a//b', '.'],
  baseDirectory: ['', '..', '/', 'a/..', '-C'],
  buildTarget: ['', '-x', 'a b', 'x'.repeat(129)],
  imageReference: ['', 'Nginx', 'nginx:', '-nginx', 'nginx:latest extra', 'a'.repeat(256), 'nginx@sha256:abc'],
  imageTag: ['', '.v1', '-v1', 'v1:2', 'v1/2', 'v1@sha256:abc', 'v 1', 'x'.repeat(129)],
  domain: ['', 'localhost', 'APP.example.com', '*.example.com', 'example', 'a..b', '-a.example.com', 'a.example.com.', '1.2.3.4', 'a_b.example.com'],
  previewDomain: [
    '',
    'localhost',
    'Preview.example.com',
    '*.example.com',
    'a..b',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(47)}`,
  ],
  tagPattern: ['', '-v*', '/v*', '.v', 'a..b', 'a//b', 'v* x', 'x'.repeat(101), '!v*', '{a,-b}', '{.,a}.b', 'v[0-9', 'v{a,b', 'a,b', 'v[]', 'v[9-0]'],
  envKey: ['', '1X', 'A-B', 'A B', 'A=B', 'x'.repeat(257)],
  watchPath: [
    '',
    '/abs/**',
    '../x',
    'a/../b',
    '-x',
    'a b',
    'x'.repeat(256),
    'a\nb',
    '!',
    '!!a',
    '{..,a}/b',
    '{/abs,a}',
    'a[bc',
    'a]',
    'a{b',
    'a}b',
    'a,b',
    '[a/b]',
    `{${Array.from({ length: 33 }, (_, i) => `a${i}`).join(',')}}`,
    '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}',
  ],
};

describe('preview names, domains and refs', () => {
  it('names a preview after its application, cut so that -pr-<n> fits the 40 characters', () => {
    expect(previewAppName('shop-web', 12)).toBe('shop-web-pr-12');
    const long = previewAppName('a'.repeat(28) + '-' + 'b'.repeat(11), 1234567);
    expect(long).toBe('a'.repeat(28) + '-pr-1234567');
    expect(APPLICATION_FIELD_RULES.name(long)).toBeNull();
    expect(APPLICATION_FIELD_RULES.name(previewAppName('x'.repeat(40), 2_000_000_000))).toBeNull();
  });

  it('serves a preview at pr-<n>.<preview domain>, a valid domain for the longest base and number', () => {
    const base = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(46)}`;
    expect(previewDomainOf('preview.example.com', 7)).toBe('pr-7.preview.example.com');
    expect(APPLICATION_FIELD_RULES.domain(previewDomainOf(base, 2_000_000_000))).toBeNull();
  });

  it('fetches tags by their ref, and only valid tag names', () => {
    expect(tagRef('v1.2.3')).toBe('refs/tags/v1.2.3');
    expect(isFetchableRef('refs/tags/release/2026-12')).toBe(true);
    expect(isFetchableRef('refs/pull/3/head')).toBe(true);
    for (const ref of [
      'refs/tags/',
      'refs/tags/-x',
      'refs/tags/a..b',
      'refs/heads/main',
      'refs/tags/v1:refs/heads/x',
      ...injectionPayloads('/tmp/pwned').map((p) => `refs/tags/${p}`),
    ]) {
      expect(isFetchableRef(ref)).toBe(false);
    }
    for (const payload of injectionPayloads('/tmp/pwned')) expect(() => tagRef(payload)).toThrow();
  });

  it('fetches only pull request head refs', () => {
    expect(pullRequestRef('github', 3)).toBe('refs/pull/3/head');
    expect(pullRequestRef('gitea', 3)).toBe('refs/pull/3/head');
    expect(pullRequestRef('gitlab', 3)).toBe('refs/merge-requests/3/head');
    expect(() => pullRequestRef('github', 0)).toThrow();
    for (const ref of ['refs/pull/3/head', 'refs/merge-requests/12/head']) expect(PULL_REQUEST_REF.test(ref)).toBe(true);
    for (const ref of [
      'refs/heads/main',
      'refs/pull/0/head',
      'refs/pull/3/merge',
      'refs/pull/3/head;id',
      '+refs/pull/3/head',
      'refs/pull/3/head\n',
      ...injectionPayloads('/tmp/pwned'),
    ]) {
      expect(PULL_REQUEST_REF.test(ref)).toBe(false);
    }
  });
});

describe('application field allowlists', () => {
  for (const field of Object.keys(APPLICATION_FIELD_RULES) as ApplicationField[]) {
    const rule = APPLICATION_FIELD_RULES[field];

    it(`${field}: accepts ordinary values`, () => {
      expect(VALID[field].filter((v) => rule(v) !== null)).toEqual([]);
    });

    it(`${field}: refuses malformed values with a message`, () => {
      expect(INVALID[field].filter((v) => rule(v) === null)).toEqual([]);
      expect(rule(INVALID[field][0])).toMatch(/must/);
    });

    it(`${field}: refuses every injection payload, NUL bytes, non-UTF-8 and 10 MB strings`, () => {
      const payloads = [
        ...injectionPayloads('/tmp/pwned'),
        'main\0',
        'a\uFFFDb',
        '\u00ff\u00fe',
        'x'.repeat(10 * 1024 * 1024),
        42,
        null,
        undefined,
        ['main'],
        { toString: () => 'main' },
      ];
      const accepted = payloads.filter((p) => rule(p) === null);
      expect(accepted).toEqual([]);
    });
  }
});
