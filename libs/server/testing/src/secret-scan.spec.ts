import { randomBytes } from 'node:crypto';
import { SecretBox } from '@zpanel/core';
import { assertNoLeakedSecrets } from './secret-scan';

describe(assertNoLeakedSecrets.name, () => {
  const token = (prefix: string) => `${prefix}_${'a'.repeat(36)}`;

  it('refuses a password hash or a stored-hash field anywhere', () => {
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/me', '{"h":"$argon2id$v=19$m=19456"}')).toThrow(/password hash/);
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/me', '{"tokenHash":"ab"}')).toThrow(/stored hash/);
  });

  it('refuses a sealed secret anywhere, however it is quoted', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('s3cret', 'env:application:a1:KEY');
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/applications/a1/env', `[{"value":"${sealed}"}]`)).toThrow(/sealed secret/);
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/ssh-keys', `{"note":"key ${sealed} here"}`)).toThrow(/sealed secret/);
  });

  it('allows each one-time secret only in the response that issues it', () => {
    expect(() => assertNoLeakedSecrets('POST', '/api/v1/auth/login', `{"refreshToken":"${token('zpr')}"}`)).not.toThrow();
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/me', `{"x":"${token('zpr')}"}`)).toThrow(/refresh token/);
    expect(() => assertNoLeakedSecrets('POST', '/api/v1/teams/t1/api-tokens', `{"token":"${token('zp')}"}`)).not.toThrow();
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/teams/t1/api-tokens', `{"token":"${token('zp')}"}`)).toThrow(/API token/);
    expect(() => assertNoLeakedSecrets('POST', '/api/v1/me/two-factor/enrollment', '{"secret":"ABC"}')).not.toThrow();
    expect(() => assertNoLeakedSecrets('POST', '/api/v1/me/two-factor/confirmation', '{"secret":"ABC"}')).toThrow(/TOTP secret/);
    expect(() => assertNoLeakedSecrets('POST', '/api/v1/me/two-factor/confirmation', '{"secret" : "ABC"}')).toThrow(/TOTP secret/);
    // A file mount's flag is no secret.
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/applications/x/mounts', '[{"secret":true,"content":null}]')).not.toThrow();
  });

  it('allows a database password only on its credentials route, as a field or inside a URL', () => {
    const password = 'Pa55wordPa55wordPa55wordPa55word0000';
    const revealed = `{"password":"${password}","internalUrl":"postgresql://app:${password}@zp-database-1:5432/app"}`;
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/databases/d1/credentials', revealed)).not.toThrow();
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/databases/d1', `{"password":"${password}"}`)).toThrow(/database password/);
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/databases/d1/operations/o1', `{"log":"mysql://app:${password}@db:3306/app"}`)).toThrow(
      /database password/,
    );
  });

  it('passes ordinary responses', () => {
    expect(() => assertNoLeakedSecrets('GET', '/api/v1/teams?page=1', '{"items":[],"tokenPrefix":"zp_abc"}')).not.toThrow();
  });
});
