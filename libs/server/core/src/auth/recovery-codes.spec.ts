import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes';

const FORMAT = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;

describe(generateRecoveryCodes.name, () => {
  it('gives ten different xxxxx-xxxxx codes by default', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(FORMAT);
  });

  it('gives as many as asked, and refuses counts that make no sense', () => {
    expect(generateRecoveryCodes(3)).toHaveLength(3);
    for (const count of [0, -1, 1.5, 101]) expect(() => generateRecoveryCodes(count)).toThrow(RangeError);
  });

  it('uses all 32 symbols (50 bits a code) and never i, l, o or u', () => {
    const symbols = new Set(generateRecoveryCodes(100).concat(generateRecoveryCodes(100)).join('').replace(/-/g, ''));
    expect(symbols.size).toBe(32);
    for (const ambiguous of ['i', 'l', 'o', 'u']) expect(symbols.has(ambiguous)).toBe(false);
  });
});

describe(normalizeRecoveryCode.name, () => {
  it('trims, lower-cases and drops spaces and dashes', () => {
    expect(normalizeRecoveryCode('  AB3DE-FGH9K \n')).toBe('ab3defgh9k');
    expect(normalizeRecoveryCode('ab3de fgh9k')).toBe('ab3defgh9k');
    expect(normalizeRecoveryCode('ab-3d-e-fg-h9k')).toBe('ab3defgh9k');
  });

  it('reads letters the alphabet leaves out as the digits they look like', () => {
    expect(normalizeRecoveryCode('Oo0ab-IiLl1')).toBe('000ab11111');
  });
});

describe(hashRecoveryCode.name, () => {
  const key = Buffer.alloc(32, 7);

  it('is the HMAC-SHA256 hex of the normalized code under the given key', () => {
    // Known answer from openssl: printf abc | openssl dgst -sha256 -mac HMAC -macopt hexkey:0707…07 (32 bytes)
    expect(hashRecoveryCode(' A-B C ', key)).toBe('127da4ced6a839b8f6118bc244684d2663e70cb5ff0adeefca89d7e74d5a0525');
    expect(hashRecoveryCode('abc', key)).not.toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches however the code is typed, and differs between codes and keys', () => {
    const [code, other] = generateRecoveryCodes(2);
    expect(hashRecoveryCode(` ${code.toUpperCase().replace('-', ' ')} `, key)).toBe(hashRecoveryCode(code, key));
    expect(hashRecoveryCode(other, key)).not.toBe(hashRecoveryCode(code, key));
    expect(hashRecoveryCode(code, Buffer.alloc(32, 8))).not.toBe(hashRecoveryCode(code, key));
    expect(hashRecoveryCode(code, key)).toMatch(/^[0-9a-f]{64}$/);
  });
});
