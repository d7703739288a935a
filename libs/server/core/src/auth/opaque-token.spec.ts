import { generateOpaqueToken, hashOpaqueToken, isWellFormedToken, type OpaqueTokenPrefix } from './opaque-token';

const PREFIXES: OpaqueTokenPrefix[] = ['zp', 'zpr', 'zpi'];

describe(generateOpaqueToken.name, () => {
  it.each(PREFIXES)('issues %s_ tokens of 36 base62 characters that pass their own check', (prefix) => {
    const token = generateOpaqueToken(prefix);
    expect(token).toMatch(new RegExp(`^${prefix}_[0-9A-Za-z]{36}$`));
    expect(isWellFormedToken(token, prefix)).toBe(true);
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => generateOpaqueToken('zp')));
    expect(tokens.size).toBe(2000);
  });

  it('draws every base62 character about equally often (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      for (const char of generateOpaqueToken('zp').slice(3, 33)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    // 60 000 draws over 62 symbols: ~968 each, standard deviation ~31. A `byte % 62` bias would
    // give the first 8 symbols ~1210.
    expect(counts.size).toBe(62);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1140);
    }
  });
});

describe(isWellFormedToken.name, () => {
  // Checksums computed independently (Python: zlib.crc32, then base62 with 0-9A-Za-z, 6 digits).
  it('accepts tokens whose last six characters are the base62 CRC32 of the random part', () => {
    expect(isWellFormedToken('zp_abcdefghijklmnopqrstuvwxyz01232LolCm', 'zp')).toBe(true);
    expect(isWellFormedToken('zpr_0000000000000000000000000000002C8GjS', 'zpr')).toBe(true);
  });

  it('refuses a token with one character changed (typo or forgery)', () => {
    const token = generateOpaqueToken('zp');
    for (const index of [3, 20, 32, 33, token.length - 1]) {
      const changed = token.slice(0, index) + (token[index] === 'a' ? 'b' : 'a') + token.slice(index + 1);
      expect(isWellFormedToken(changed, 'zp')).toBe(false);
    }
  });

  it('refuses a token of another kind, even with a valid checksum', () => {
    const refresh = generateOpaqueToken('zpr');
    expect(isWellFormedToken(refresh, 'zp')).toBe(false);
    expect(isWellFormedToken(refresh, 'zpi')).toBe(false);
    expect(isWellFormedToken(`zp_${refresh.slice(4)}`, 'zpr')).toBe(false);
  });

  it.each([
    ['an empty string', ''],
    ['the prefix alone', 'zp_'],
    ['a missing underscore', 'zpabcdefghijklmnopqrstuvwxyz01232LolCm'],
    ['a character too many', 'zp_abcdefghijklmnopqrstuvwxyz01232LolCmx'],
    ['a character too few', 'zp_bcdefghijklmnopqrstuvwxyz01232LolCm'],
    ['a non-base62 character', 'zp_abcdefghijklmnopqrstuvwxyz012-2LolCm'],
    ['surrounding whitespace', ' zp_abcdefghijklmnopqrstuvwxyz01232LolC'],
    ['a huge string', `zp_${'a'.repeat(10_000_000)}`],
  ])('refuses %s', (_label, token) => {
    expect(isWellFormedToken(token, 'zp')).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isWellFormedToken(undefined as unknown as string, 'zp')).toBe(false);
  });
});

describe(hashOpaqueToken.name, () => {
  it('is the SHA-256 hex digest of the whole token', () => {
    expect(hashOpaqueToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is stable for one token and differs between tokens, including by prefix', () => {
    const token = generateOpaqueToken('zp');
    expect(hashOpaqueToken(token)).toBe(hashOpaqueToken(token));
    expect(hashOpaqueToken(token)).not.toBe(hashOpaqueToken(`zpr_${token.slice(3)}`));
    expect(hashOpaqueToken(token)).not.toContain(token.slice(3));
  });
});
