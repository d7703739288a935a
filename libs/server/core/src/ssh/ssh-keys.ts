import { createHash } from 'node:crypto';
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

/** A new ed25519 key pair. */
export function generateSshKeyPair(comment: string): SshKeyPair {
  const pair = utils.generateKeyPairSync('ed25519', { comment });
  return inspectPrivateKey(pair.private, comment);
}

/**
 * Checks a pasted private key and derives its public half. Refuses public keys, passphrase-protected
 * keys (Zpanel must use them unattended) and anything ssh2 cannot parse, with a message for the form.
 */
export function inspectPrivateKey(privateKey: string, comment = 'zpanel'): SshKeyPair {
  if (privateKey.length > 16_384) throw new SshKeyError('privateKey is too long to be an SSH private key');
  const parsed = utils.parseKey(privateKey.trim());
  if (parsed instanceof Error) {
    throw new SshKeyError(/passphrase/i.test(parsed.message) ? 'privateKey is protected by a passphrase: remove it (ssh-keygen -p) before adding it' : 'privateKey is not a private key in OpenSSH or PEM format');
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
