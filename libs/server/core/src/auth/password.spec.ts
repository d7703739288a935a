import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@zpanel/contracts';
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, passwordProblems, verifyAgainstDummy, verifyPassword } from './password';

const context = { email: 'alice.smith@example.com', name: 'Alice Smith' };

describe('password hashing', () => {
  const password = 'correct horse battery staple ✓';
  let hash: string;

  beforeAll(async () => {
    hash = await hashPassword(password);
  });

  describe(hashPassword.name, () => {
    it('produces an argon2id hash with the OWASP parameters, never containing the password', () => {
      // The order of the parameters differs between argon2 releases; their values must not.
      const match = /^\$argon2id\$v=19\$([a-z=0-9,]+)\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/.exec(hash);
      expect(match).not.toBeNull();
      expect(Object.fromEntries((match as RegExpExecArray)[1].split(',').map((kv) => kv.split('=')))).toEqual({ m: '19456', t: '2', p: '1' });
      expect(hash).not.toContain('horse');
    });
  });

  describe(verifyPassword.name, () => {
    it('accepts the password the hash was made from and nothing else', async () => {
      expect(await verifyPassword(hash, password)).toBe(true);
      expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(false);
    });

    it.each([
      ['an empty string', ''],
      ['plain text', 'not a hash'],
      ['a bcrypt hash', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
      ['a truncated argon2 hash', '$argon2id$v=19$m=19456,p=1,t=2$Qsae5yXBt'],
      ['an argon2 hash with garbage parameters', '$argon2id$v=19$m=abc,p=1,t=2$Qsae5yXBt/CPoS/4s/mqNQ$ltz0LwQw'],
      ['an unknown variant', '$argon2x$v=19$m=19456,p=1,t=2$Qsae5yXBt/CPoS/4s/mqNQ$ltz0LwQwlIxIr78Fk+wBNDG/0wsfP0N5pQDTMOjFAT4'],
    ])('answers false, without throwing, for %s', async (_label, malformed) => {
      await expect(verifyPassword(malformed, password)).resolves.toBe(false);
    });

    it('refuses input longer than any accepted password without hashing it', async () => {
      // A real hash of an overlong input: only the length guard can make this false.
      const overlong = 'x'.repeat(PASSWORD_MAX_LENGTH * 2 + 1);
      const overlongHash = await hashPassword(overlong);
      expect(await verifyPassword(overlongHash, overlong)).toBe(false);
      await expect(verifyPassword(hash, 'x'.repeat(10_000_000))).resolves.toBe(false);
    });
  });

  describe(needsRehash.name, () => {
    it('is false for a hash made with the current parameters', () => {
      expect(needsRehash(hash)).toBe(false);
    });

    it.each([
      ['more memory', (h: string) => h.replace('m=19456', 'm=65536')],
      ['more passes', (h: string) => h.replace('t=2', 't=3')],
      ['more lanes', (h: string) => h.replace('p=1', 'p=4')],
      ['an older argon2 version', (h: string) => h.replace('v=19', 'v=16')],
      ['the argon2i variant', (h: string) => h.replace('$argon2id$', '$argon2i$')],
    ])('is true for a hash made with %s', (_label, change) => {
      expect(needsRehash(change(hash))).toBe(true);
    });

    it('is true, without throwing, for a malformed hash', () => {
      expect(needsRehash('not a hash')).toBe(true);
      expect(needsRehash('$argon2id$garbage')).toBe(true);
    });
  });
});

describe(verifyAgainstDummy.name, () => {
  it('uses a hash made with the current parameters, so it costs what a real verify costs', () => {
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it('always answers false', async () => {
    await expect(verifyAgainstDummy('anything at all')).resolves.toBe(false);
  });
});

describe(passwordProblems.name, () => {
  it('finds nothing wrong with a long, personal-data-free, uncommon password', () => {
    expect(passwordProblems('violet-tractor-umbrella-42', context)).toEqual([]);
  });

  it('refuses passwords shorter than the minimum, counting characters rather than UTF-16 units', () => {
    expect(passwordProblems('x7#k'.repeat(2) + 'q9!', context)).toEqual([`Use at least ${PASSWORD_MIN_LENGTH} characters.`]);
    expect(passwordProblems('violet-tract', context)).toEqual([]);
    // 11 emoji are 22 UTF-16 units but 11 characters.
    expect(passwordProblems('🔒🔑🚀🌍🎉🐙🍕🎸🧩🦊🌵', context)).toContain(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  });

  it('refuses passwords longer than the maximum', () => {
    const longest = 'violet-tractor-'.repeat(20).slice(0, PASSWORD_MAX_LENGTH);
    expect(passwordProblems(longest, context)).toEqual([]);
    expect(passwordProblems(`${longest}x`, context)).toEqual([`Use at most ${PASSWORD_MAX_LENGTH} characters.`]);
    expect(passwordProblems(`alice${'a'.repeat(10_000_000)}`, context)).toEqual([`Use at most ${PASSWORD_MAX_LENGTH} characters.`]);
  });

  it.each([
    ['the whole local part', 'my-ALICE.SMITH-password!'],
    ['a part of the local part', 'violet-Smith-tractor'],
  ])('refuses a password containing %s of the email, in any case', (_label, password) => {
    expect(passwordProblems(password, { ...context, name: 'Bob Jones' })).toEqual(['Do not use your email address in the password.']);
  });

  it('refuses a password containing the name or a word of it, in any case', () => {
    const email = { ...context, email: 'ops@example.com' };
    expect(passwordProblems('violet-aLiCe-tractor', email)).toEqual(['Do not use your name in the password.']);
    expect(passwordProblems('violet Alice Smith tractor', { ...email, name: 'Alice Smith' })).toEqual(['Do not use your name in the password.']);
    expect(passwordProblems('violet-tractor-JOSÉ', { ...email, name: 'José Núñez' })).toEqual(['Do not use your name in the password.']);
  });

  it('ignores name and email parts shorter than four characters, which would match too much', () => {
    expect(passwordProblems('violet-bob-tractor-al', { email: 'al@example.com', name: 'Bob Li' })).toEqual([]);
  });

  it('does not treat the email domain as personal', () => {
    expect(passwordProblems('violet-example-tractor', context)).toEqual([]);
  });

  it('refuses a single repeated character', () => {
    expect(passwordProblems('a'.repeat(20), context)).toEqual(['Do not repeat a single character.']);
    expect(passwordProblems('🔒'.repeat(12), context)).toEqual(['Do not repeat a single character.']);
    expect(passwordProblems(`${'a'.repeat(19)}b`, context)).toEqual([]);
  });

  it.each(['password1234', 'qwertyuiop12', 'PassWord1234', '123456789012', '1q2w3e4r5t6y'])(
    'refuses the common password %s, in any case',
    (password) => {
      expect(passwordProblems(password, context)).toEqual(['This password is too common; choose another.']);
    },
  );

  it('reports every problem at once', () => {
    expect(passwordProblems('alice', context)).toEqual([
      `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
      'Do not use your email address in the password.',
      'Do not use your name in the password.',
    ]);
  });
});
