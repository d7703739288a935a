import { injectionPayloads } from '../shell/injection-payloads';
import {
  bindHostPathProblem,
  deniedHostPathOf,
  hostPathProblem,
  isPathUnder,
  mountPathProblem,
  overlappingMountPaths,
  volumeNameProblem,
} from './mount-paths';

/** The shared hostile list, each also as the tail of an otherwise good path, plus what only a spec can carry. */
const HOSTILE: string[] = [
  ...injectionPayloads('/tmp/zp-canary-mounts').flatMap((p) => [p, `/srv/data/${p}`, `/${p}`]),
  'x'.repeat(10 * 1024 * 1024),
  '/srv/a\u0000b',
  '/srv/\u00ff\u00fe',
  '/srv/a\uFFFDb',
  '/srv/a\ud800b',
  '',
  ' ',
  'relative/path',
  '/srv/data/',
  '/srv//data',
  '/srv/./data',
  '/srv/data/..',
  '/srv/../etc',
  '/srv/data:/etc',
  '/srv/data,readonly',
  '/srv/da ta',
  '-v',
];

const ROOTS = ['/srv/data', '/home/apps'];

describe('mount paths', () => {
  describe.each([
    ['mountPath', (v: string) => mountPathProblem(v)],
    ['hostPath', (v: string) => hostPathProblem(v)],
    ['bind hostPath', (v: string) => bindHostPathProblem(v, ROOTS)],
  ])('%s', (_field, problem) => {
    it.each(HOSTILE.map((p, i) => [i, JSON.stringify(p.slice(0, 40)), p] as const))('refuses hostile value #%i %s', (_i, _label, value) => {
      expect(problem(value)).toEqual(expect.any(String));
    });

    it('refuses what is not text', () => {
      for (const value of [undefined, null, 42, ['/srv/data'], { path: '/srv' }]) expect(problem(value as unknown as string)).toBe('must be text');
    });
  });

  it('accepts normal container paths and refuses /, /proc, /sys, /dev and below', () => {
    for (const ok of ['/data', '/var/lib/app', '/app/config.yml', '/usr/share/nginx/html', '/etc/nginx/conf.d', '/devices', '/process'])
      expect([ok, mountPathProblem(ok)]).toEqual([ok, null]);
    for (const bad of ['/', '/proc', '/proc/1', '/sys', '/sys/fs/cgroup', '/dev', '/dev/shm'])
      expect([bad, mountPathProblem(bad)]).toEqual([bad, expect.any(String)]);
    expect(mountPathProblem(`/${'a'.repeat(100)}`)).toMatch(/at most 100 bytes/);
  });

  it('refuses the denied host paths, what is under them, and what contains them', () => {
    for (const bad of [
      '/',
      '/etc',
      '/etc/ssh',
      '/var/run/docker.sock',
      '/run/docker.sock',
      '/var/run',
      '/var',
      '/proc',
      '/sys',
      '/dev',
      '/root',
      '/var/lib/docker/volumes',
      '/var/lib',
      '/var/lib/zpanel',
      '/var/lib/zpanel/instance-key.env',
    ])
      expect([bad, hostPathProblem(bad)]).toEqual([bad, expect.any(String)]);
    expect(deniedHostPathOf('/var')).toBe('/var/run');
    expect(deniedHostPathOf('/srv/data')).toBeNull();
    for (const ok of ['/srv', '/srv/data', '/home/apps/site', '/mnt/disk1', '/var/www', '/var/lib/apps', '/tmp/x', '/etcetera'])
      expect([ok, hostPathProblem(ok)]).toEqual([ok, null]);
  });

  it('accepts a bind host path only at or under an allowed root, segment by segment', () => {
    expect(bindHostPathProblem('/srv/data', ROOTS)).toBeNull();
    expect(bindHostPathProblem('/srv/data/site/uploads', ROOTS)).toBeNull();
    expect(bindHostPathProblem('/home/apps/x', ROOTS)).toBeNull();
    expect(bindHostPathProblem('/srv/data2', ROOTS)).toMatch(/allowed bind roots/);
    expect(bindHostPathProblem('/srv', ROOTS)).toMatch(/allowed bind roots/);
    expect(bindHostPathProblem('/home', ROOTS)).toMatch(/allowed bind roots/);
    expect(bindHostPathProblem('/srv/data', [])).toMatch(/allowed no bind roots/);
    // A root that should never have been allowed does not open a denied path under it.
    expect(bindHostPathProblem('/etc/ssh', ['/etc'])).toMatch(/must not be \/etc/);
  });

  it('compares paths by segment', () => {
    expect(isPathUnder('/srv/data', '/srv/data')).toBe(true);
    expect(isPathUnder('/srv/data', '/srv/data/x')).toBe(true);
    expect(isPathUnder('/srv/data', '/srv/database')).toBe(false);
    expect(isPathUnder('/', '/anything')).toBe(true);
  });

  it('finds mounts that overlap', () => {
    expect(overlappingMountPaths(['/data', '/config.yml', '/app/data'])).toBeNull();
    expect(overlappingMountPaths(['/data', '/data/config.yml'])).toEqual(['/data', '/data/config.yml']);
    expect(overlappingMountPaths(['/data', '/data'])).toEqual(['/data', '/data']);
  });

  it('allowlists volume names', () => {
    expect(volumeNameProblem('data')).toBeNull();
    expect(volumeNameProblem('pg-data-2')).toBeNull();
    for (const bad of ['', 'Data', '-data', 'data-', 'a'.repeat(41), 'da_ta', '../x', 'a b', ...injectionPayloads('/tmp/zp-canary-mounts')])
      expect(volumeNameProblem(bad)).toEqual(expect.any(String));
  });
});
