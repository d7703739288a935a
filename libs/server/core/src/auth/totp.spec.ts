import { base32Decode, base32Encode, Base32Error, generateTotpSecret, otpauthUri, totpAt, totpTimeStep, verifyTotp } from './totp';

/** RFC 6238 Appendix B's SHA-1 secret, ASCII "12345678901234567890". */
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));
const at = (seconds: number) => seconds * 1000;

describe('base32', () => {
  // RFC 4648 §10 test vectors, without padding.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];

  it.each(vectors)('encodes %j as %j', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
  });

  it.each(vectors)('decodes %j back from %j, in either case', (plain, encoded) => {
    expect(base32Decode(encoded).toString()).toBe(plain);
    expect(base32Decode(encoded.toLowerCase()).toString()).toBe(plain);
  });

  it('round-trips random bytes of every length', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 97 + length * 31) & 255));
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
  });

  it.each([
    ['a digit outside the alphabet', 'MZXW1'],
    ['zero', 'MZXW0'],
    ['padding', 'MY======'],
    ['a space', 'MZX W6'],
    ['a character that upper-cases into the alphabet', 'MZXWß'],
    ['a dotless i', 'MZXWı'],
    ['an impossible length', 'MZX'],
    ['non-zero trailing bits', 'MZ'],
  ])('refuses %s', (_label, text) => {
    expect(() => base32Decode(text)).toThrow(Base32Error);
  });
});

describe(generateTotpSecret.name, () => {
  it('gives 20 random bytes as 32 base32 characters, different each time', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
  });
});

describe(totpAt.name, () => {
  // RFC 6238 Appendix B, SHA-1 column, last six of the eight digits.
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('gives the RFC 6238 code for T=%d', (seconds, code) => {
    expect(totpAt(RFC_SECRET, totpTimeStep(at(seconds)))).toBe(code);
  });

  it('accepts the secret in lower case', () => {
    expect(totpAt(RFC_SECRET.toLowerCase(), 1)).toBe('287082');
  });

  it('refuses negative or fractional steps and secrets shorter than 128 bits', () => {
    expect(() => totpAt(RFC_SECRET, -1)).toThrow(RangeError);
    expect(() => totpAt(RFC_SECRET, 1.5)).toThrow(RangeError);
    expect(() => totpAt(base32Encode(Buffer.alloc(10, 1)), 1)).toThrow(RangeError);
  });
});

describe(verifyTotp.name, () => {
  const now = at(1111111111); // step 37037037, code 050471
  const step = totpTimeStep(now);

  it('returns the time step of a current code', () => {
    expect(verifyTotp(RFC_SECRET, '050471', { now })).toBe(step);
  });

  it('accepts the previous and next step by default, and not two steps away', () => {
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 1), { now })).toBe(step - 1);
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 1), { now })).toBe(step + 1);
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 2), { now })).toBeNull();
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 2), { now })).toBeNull();
  });

  it('honours a wider or a zero window', () => {
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 2), { now, window: 2 })).toBe(step - 2);
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 1), { now, window: 0 })).toBeNull();
    expect(() => verifyTotp(RFC_SECRET, '050471', { now, window: -1 })).toThrow(RangeError);
    expect(() => verifyTotp(RFC_SECRET, '050471', { now, window: 100 })).toThrow(RangeError);
  });

  it('refuses a code from the step already used, or an earlier one (replay)', () => {
    expect(verifyTotp(RFC_SECRET, '050471', { now, notAfterStep: step })).toBeNull();
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 1), { now, notAfterStep: step - 1 })).toBeNull();
    expect(verifyTotp(RFC_SECRET, '050471', { now, notAfterStep: step - 1 })).toBe(step);
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 1), { now, notAfterStep: step })).toBe(step + 1);
  });

  it('ignores spaces people type or paste', () => {
    expect(verifyTotp(RFC_SECRET, '050 471', { now })).toBe(step);
    expect(verifyTotp(RFC_SECRET, ' 05 04 71\t', { now })).toBe(step);
  });

  it('uses the clock when no time is given', () => {
    const secret = generateTotpSecret();
    const current = totpTimeStep();
    expect(verifyTotp(secret, totpAt(secret, current), { window: 1 })).not.toBeNull();
  });

  it.each([
    ['a wrong code', '050472'],
    ['five digits', '05047'],
    ['seven digits', '0504710'],
    ['eight digits of the RFC code', '07081804'],
    ['letters', '05o471'],
    ['an empty string', ''],
    ['full-width digits', '０５０４７１'],
    ['a huge string', `050471${' '.repeat(10_000_000)}`],
  ])('refuses %s', (_label, code) => {
    expect(verifyTotp(RFC_SECRET, code, { now })).toBeNull();
  });

  it('refuses malformed input before any HMAC work (a broken secret would otherwise throw)', () => {
    expect(verifyTotp('not base32!', '12345', { now })).toBeNull();
    expect(verifyTotp('not base32!', 'abcdef', { now })).toBeNull();
    expect(() => verifyTotp('not base32!', '123456', { now })).toThrow(Base32Error);
  });

  it('skips steps before the epoch instead of failing on them', () => {
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, 0), { now: 0 })).toBe(0);
  });
});

describe(otpauthUri.name, () => {
  it('builds the Key URI authenticator apps read, with the account percent-encoded', () => {
    expect(otpauthUri({ issuer: 'Zpanel', account: 'alice@example.com', secret: 'jbswy3dpehpk3pxp' })).toBe(
      'otpauth://totp/Zpanel:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Zpanel&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('encodes characters that would break the label or the query', () => {
    const uri = otpauthUri({ issuer: 'Zpanel: prod & co', account: 'a+b:c?d#e@x.io', secret: RFC_SECRET });
    expect(uri).toBe(
      `otpauth://totp/Zpanel%3A%20prod%20%26%20co:a%2Bb%3Ac%3Fd%23e%40x.io?secret=${RFC_SECRET}` +
        '&issuer=Zpanel%3A%20prod%20%26%20co&algorithm=SHA1&digits=6&period=30',
    );
    const parsed = new URL(uri);
    expect(parsed.searchParams.get('issuer')).toBe('Zpanel: prod & co');
    expect(parsed.searchParams.get('secret')).toBe(RFC_SECRET);
  });

  it('refuses a secret that is not base32', () => {
    expect(() => otpauthUri({ issuer: 'Zpanel', account: 'a@b.c', secret: 'abc&issuer=Evil' })).toThrow(Base32Error);
  });
});
