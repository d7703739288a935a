import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError, keyId } from './secret-box';

describe(SecretBox.name, () => {
  const key = randomBytes(32);

  it('opens what it sealed, byte for byte, including quotes, dollars and newlines', () => {
    const box = new SecretBox(key);
    const secret = `p'a"s$s\`w\\o\nr\u0000d ✓ ${'x'.repeat(10_000)}`;
    expect(box.open(box.seal(secret))).toBe(secret);
  });

  it('never produces the same ciphertext twice and never contains the plaintext', () => {
    const box = new SecretBox(key);
    const a = box.seal('hunter2');
    const b = box.seal('hunter2');
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(Buffer.from(a.split('.')[4], 'base64url').toString()).not.toContain('hunter2');
  });

  it('refuses a ciphertext moved to another owner (associated data)', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('value', 'server:1');
    expect(() => box.open(sealed, 'server:2')).toThrow(SecretBoxError);
  });

  it('refuses tampered ciphertext', () => {
    const box = new SecretBox(key);
    const parts = box.seal('value').split('.');
    const bytes = Buffer.from(parts[4], 'base64url');
    bytes[0] ^= 1;
    parts[4] = bytes.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(SecretBoxError);
  });

  it('opens values sealed with a previous key after rotation and flags them for re-sealing', () => {
    const oldBox = new SecretBox(key);
    const sealed = oldBox.seal('value');
    const rotated = new SecretBox(randomBytes(32), [key]);
    expect(rotated.open(sealed)).toBe('value');
    expect(rotated.needsRotation(sealed)).toBe(true);
    expect(rotated.needsRotation(rotated.seal('value'))).toBe(false);
  });

  it('refuses a value sealed with a key it does not hold', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('value');
    expect(() => new SecretBox(key).open(sealed)).toThrow(/unknown key/);
  });

  it('records a key id that does not reveal the key', () => {
    expect(keyId(key)).toMatch(/^[0-9a-f]{12}$/);
    expect(key.toString('hex')).not.toContain(keyId(key));
  });
});
