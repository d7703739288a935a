import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { utils } from 'ssh2';

export interface SshKeyPair {
  /** OpenSSH private key; sealed before it is stored, never returned by the API. */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment`, for the server's authorized_keys. */
  publicKey: string;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  type: string;
}

export class SshKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshKeyError';
  }
}

function fingerprint(publicBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * A new ed25519 key pair, written in the OpenSSH private key format (`openssh-key-v1`, no cipher).
 * Node's crypto makes the key; the encoding is ours because ssh2's own generator writes a key its
 * parser rejects about once in 200 (seen here), and ssh2 cannot read ed25519 keys as PKCS#8.
 */
export function generateSshKeyPair(comment: string): SshKeyPair {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d as string, 'base64url');
  const publicKey = Buffer.from(jwk.x as string, 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(publicKey)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([check, check, publicBlob, sshString(Buffer.concat([seed, publicKey])), sshString(comment)]);
  // Pad to the cipher block size (8 for "none") with 1, 2, 3, …, as the format requires.
  const padding = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'binary'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    Buffer.from([0, 0, 0, 1]),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) as string[];
  const privateKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
  return inspectPrivateKey(privateKey, comment);
}

/**
 * Checks a pasted private key and derives its public half. Refuses public keys, passphrase-protected
 * keys (Zpanel must use them unattended) and anything ssh2 cannot parse, with a message for the form.
 */
export function inspectPrivateKey(privateKey: string, comment = 'zpanel'): SshKeyPair {
  if (privateKey.length > 16_384) throw new SshKeyError('privateKey is too long to be an SSH private key');
  const parsed = utils.parseKey(privateKey.trim());
  if (parsed instanceof Error) {
    throw new SshKeyError(
      /passphrase/i.test(parsed.message)
        ? 'privateKey is protected by a passphrase: remove it (ssh-keygen -p) before adding it'
        : 'privateKey is not a private key in OpenSSH or PEM format',
    );
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) throw new SshKeyError('privateKey is a public key: paste the private key');
  const blob = key.getPublicSSH();
  return {
    privateKey: `${privateKey.trim()}\n`,
    publicKey: `${key.type} ${blob.toString('base64')} ${comment.replace(/[^\w.@-]/g, '-')}`,
    fingerprint: fingerprint(blob),
    type: key.type,
  };
}

/**
 * `<type> SHA256:…` for each key of known_hosts lines (as `ssh-keygen -lf` shows them), so a pinned
 * host key can be compared with what the provider publishes. Lines that are not a key are skipped.
 */
export function knownHostsFingerprints(knownHosts: string): string[] {
  const result: string[] = [];
  for (const line of knownHosts.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0]?.startsWith('@')) fields.shift();
    const [, type, blob] = fields;
    if (!type || !blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) continue;
    const bytes = Buffer.from(blob, 'base64');
    // A key blob starts with its own type name: anything else is not a key line.
    if (bytes.length < 4 || bytes.subarray(4, 4 + bytes.readUInt32BE(0)).toString('latin1') !== type) continue;
    result.push(`${type} ${fingerprint(bytes)}`);
  }
  return result;
}
