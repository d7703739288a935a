import { totpAt, totpTimeStep } from './totp';

// RFC 6238 appendix B, SHA-1 column (the secret is ASCII "12345678901234567890"), last 6 digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe(totpAt.name, () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('matches the RFC 6238 test vector at %i s', (seconds, code) => {
    expect(totpAt(RFC_SECRET, totpTimeStep(seconds * 1000))).toBe(code);
  });

  it('ignores spaces and case in the secret, as authenticator apps do', () => {
    expect(totpAt('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', 1)).toBe(totpAt(RFC_SECRET, 1));
  });
});
