import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildShellCommand, injectionPayloads } from '@zpanel/core';
import { directoryCommands, storeKeyProblem } from './server-directory-store';

describe('directoryCommands', () => {
  let dir: string;
  let canary: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zp-dir-commands-'));
    canary = join(dir, 'pwned');
    // Payloads are placed deep under the temp dir: '../../etc/passwd' must land in it, never on the machine's files.
    mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every command with every injection payload as a path or content without running it', () => {
    const inside = (payload: string) => join(dir, 'a', 'b', 'c', payload);
    const builders: Array<(payload: string) => string[]> = [
      (p) => directoryCommands.resolve(inside(p), inside(p)),
      (p) => directoryCommands.makeDirectory(inside(p), inside(p)),
      (p) => directoryCommands.writeFromStdin(inside(p)),
      (p) => directoryCommands.writeSmall(inside(p), p),
      (p) => directoryCommands.sizeAndMtime(inside(p)),
      (p) => directoryCommands.sizeAndSha256(inside(p)),
      (p) => directoryCommands.rename(inside(p), inside(`${p}2`)),
      (p) => directoryCommands.read(inside(p)),
      (p) => directoryCommands.remove(inside(p), inside(p)),
      (p) => directoryCommands.listFiles(inside(p)),
    ];
    for (const build of builders) {
      for (const payload of injectionPayloads(canary)) {
        spawnSync('/bin/sh', ['-c', buildShellCommand(build(payload))], { input: 'data', stdio: 'pipe', timeout: 10_000 });
        expect(existsSync(canary)).toBe(false);
      }
    }
  });
});

describe('storeKeyProblem', () => {
  it('accepts the keys Zpanel makes', () => {
    for (const key of ['db-1/2026-12-07T10-00-00Z-abc.pgdump.zst.zpb', 'a', 'x_y/z.1']) expect(storeKeyProblem(key)).toBeNull();
  });

  it('refuses every injection payload, traversal, hidden, option-like and internal names', () => {
    for (const key of [
      ...injectionPayloads('/tmp/x'),
      '',
      '../a',
      'a/../b',
      '/abs',
      '.hidden',
      '-rf',
      'a//b',
      'a/',
      'a.zpanel-meta.json',
      'x.zpanel-tmp-1',
    ]) {
      expect(storeKeyProblem(key)).not.toBeNull();
    }
  });
});
