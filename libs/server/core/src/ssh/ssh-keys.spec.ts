import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshKeyError, generateSshKeyPair, inspectPrivateKey, knownHostsFingerprints } from './ssh-keys';

describe('SSH keys', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zp-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const keygen = (name: string, args: string[]) => {
    const path = join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-f', path, '-C', 'test', ...args]);
    return { privateKey: readFileSync(path, 'utf8'), publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
  };
  const fingerprintOf = (name: string) =>
    execFileSync('ssh-keygen', ['-l', '-f', join(dir, `${name}.pub`)])
      .toString()
      .split(' ')[1];

  it('generates an ed25519 pair whose public half and fingerprint match the private key', () => {
    const pair = generateSshKeyPair('zpanel@acme');
    expect(pair.type).toBe('ssh-ed25519');
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ zpanel@acme$/);
    expect(inspectPrivateKey(pair.privateKey, 'zpanel@acme')).toEqual(pair);
  });

  it('writes every generated key so that OpenSSH and ssh2 both read it back', () => {
    for (let i = 0; i < 300; i += 1) {
      const pair = generateSshKeyPair(`k${i}`);
      expect(inspectPrivateKey(pair.privateKey, `k${i}`).publicKey).toBe(pair.publicKey);
    }
    const pair = generateSshKeyPair('checked');
    const path = join(dir, 'generated');
    writeFileSync(path, pair.privateKey, { mode: 0o600 });
    // OpenSSH's own parser reads it back, comment included.
    expect(execFileSync('ssh-keygen', ['-y', '-f', path]).toString().trim()).toBe(pair.publicKey);
  });

  it('derives the same public key and fingerprint as ssh-keygen from a pasted key', () => {
    for (const [name, args] of [
      ['ed', ['-t', 'ed25519', '-N', '']],
      ['rsa', ['-t', 'rsa', '-b', '2048', '-N', '']],
      ['ecdsa', ['-t', 'ecdsa', '-N', '']],
    ] as const) {
      const key = keygen(name, [...args]);
      const inspected = inspectPrivateKey(key.privateKey, 'test');
      expect(inspected.publicKey).toBe(key.publicKey);
      expect(inspected.fingerprint).toBe(fingerprintOf(name));
    }
  });

  it('refuses passphrase-protected keys, public keys and garbage with a message naming the field', () => {
    const encrypted = keygen('enc', ['-t', 'ed25519', '-N', 'secret']);
    expect(() => inspectPrivateKey(encrypted.privateKey)).toThrow(/privateKey is protected by a passphrase/);
    expect(() => inspectPrivateKey(encrypted.publicKey)).toThrow(SshKeyError);
    expect(() => inspectPrivateKey('-----BEGIN OPENSSH PRIVATE KEY-----\nnope\n')).toThrow(/privateKey is not a private key/);
    expect(() => inspectPrivateKey('x'.repeat(20_000))).toThrow(/too long/);
  });

  it('keeps the comment from injecting anything into authorized_keys', () => {
    const pair = generateSshKeyPair('a b\ncommand="touch /tmp/pwned" ssh-rsa');
    expect(pair.publicKey.split('\n')).toHaveLength(1);
    expect(pair.publicKey.split(' ')).toHaveLength(3);
  });

  it('fingerprints known_hosts lines as ssh-keygen does, skipping what is not a key', () => {
    const host = keygen('host', ['-t', 'ed25519', '-N', '']);
    const line = `[git.example.com]:2222 ${host.publicKey.split(' ').slice(0, 2).join(' ')}`;
    const path = join(dir, 'known_hosts');
    writeFileSync(path, `${line}\n`);
    const expected = execFileSync('ssh-keygen', ['-l', '-f', path]).toString().split(' ')[1];
    expect(knownHostsFingerprints(`# comment\n${line}\n\nnot a key line\n`)).toEqual([`ssh-ed25519 ${expected}`]);
    expect(expected).toBe(fingerprintOf('host'));
  });
});
