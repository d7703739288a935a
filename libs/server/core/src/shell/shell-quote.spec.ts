import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { injectionPayloads } from './injection-payloads';
import { ShellQuoteError, buildShellCommand, quoteShellArg } from './shell-quote';

describe('shell quoting', () => {
  let dir: string;
  let canary: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zp-quote-'));
    canary = join(dir, 'pwned');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe(quoteShellArg.name, () => {
    it('hands every payload to the program literally and runs nothing', () => {
      for (const payload of [...injectionPayloads(canary), 'lone surrogate \udc80']) {
        const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${quoteShellArg(payload)}`]);
        expect(out.toString('utf8')).toBe(Buffer.from(payload, 'utf8').toString('utf8'));
        expect(existsSync(canary)).toBe(false);
      }
    });

    it('refuses NUL bytes instead of truncating the argument', () => {
      expect(() => quoteShellArg('a\0; touch x')).toThrow(ShellQuoteError);
    });
  });

  describe(buildShellCommand.name, () => {
    it('keeps each argv element one argument, whatever it contains', () => {
      for (const payload of injectionPayloads(canary)) {
        const cmd = buildShellCommand(['sh', '-c', 'printf "%s|" "$@"', 'argv0', payload, 'end']);
        expect(execFileSync('/bin/sh', ['-c', cmd]).toString()).toBe(`${Buffer.from(payload, 'utf8').toString('utf8')}|end|`);
        expect(existsSync(canary)).toBe(false);
      }
    });

    it('passes environment values byte-exact and refuses unsafe variable names', () => {
      const value = `a'b"c$HOME\`id\`\nline2 # not a comment`;
      const cmd = buildShellCommand(['sh', '-c', 'printf "%s" "$SECRET_VALUE"'], { SECRET_VALUE: value });
      expect(execFileSync('/bin/sh', ['-c', cmd]).toString()).toBe(value);
      expect(() => buildShellCommand(['true'], { 'A;touch x': 'v' })).toThrow(ShellQuoteError);
      expect(() => buildShellCommand(['true'], { '-u': 'v' })).toThrow(ShellQuoteError);
      expect(() => buildShellCommand(['A=1', 'true'], { B: 'v' })).toThrow(ShellQuoteError);
    });

    it('does not let a program name that starts with a dash become an env option', () => {
      // If env read '-i' as its own option it would go on to run `touch <canary>`.
      const cmd = buildShellCommand(['-i', 'touch', canary], { A: '1' });
      expect(() => execFileSync('/bin/sh', ['-c', cmd], { stdio: 'pipe' })).toThrow();
      expect(existsSync(canary)).toBe(false);
    });

    it('refuses an empty command', () => {
      expect(() => buildShellCommand([])).toThrow(ShellQuoteError);
    });
  });
});
