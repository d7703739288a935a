import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/** Short, non-secret fingerprint of a key, stored with each ciphertext so rotation knows which key sealed it. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * AES-256-GCM encryption of secrets at rest (SSH keys, env values, S3 keys, webhook secrets).
 * Sealed format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). `previousKeys` lets a
 * rotated instance still open what older keys sealed; new seals always use the current key.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    for (const key of [currentKey, ...previousKeys]) {
      if (key.length !== 32) throw new SecretBoxError('secret box keys must be 32 bytes');
      this.keys.set(keyId(key), key);
    }
    this.currentId = keyId(currentKey);
  }

  get currentKeyId(): string {
    return this.currentId;
  }

  /** `aad` binds a ciphertext to its owner (e.g. a row id) so it cannot be pasted onto another row. */
  seal(plaintext: string, aad = ''): string {
    const key = this.keys.get(this.currentId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.currentId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string, aad = ''): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretBoxError('not a sealed secret');
    const [, id, iv, tag, ciphertext] = parts;
    const key = this.keys.get(id);
    if (!key) throw new SecretBoxError(`sealed with unknown key ${id}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('secret could not be decrypted (wrong key, owner or tampered data)');
    }
  }

  /** Whether a sealed value should be re-sealed with the current key. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentId;
  }
}
