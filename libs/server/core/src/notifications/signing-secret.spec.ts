import { newSigningSecret, signingSecretKey } from './signing-secret';

describe('newSigningSecret', () => {
  it('is whsec_ then 32 random bytes in base64, a different one each time', () => {
    const first = newSigningSecret();
    const second = newSigningSecret();
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingSecretKey(first)).toHaveLength(32);
    expect(first).not.toBe(second);
  });
});

describe('signingSecretKey', () => {
  it('decodes the part after whsec_', () => {
    const key = Buffer.alloc(32, 7);
    expect(signingSecretKey(`whsec_${key.toString('base64')}`)?.equals(key)).toBe(true);
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 1).toString('base64')],
    ['not base64', 'whsec_not base64!!'],
    ['too short a key', `whsec_${Buffer.alloc(8, 1).toString('base64')}`],
    ['an empty key', 'whsec_'],
  ])('is null for %s', (_name, secret) => {
    expect(signingSecretKey(secret)).toBeNull();
  });
});
