/**
 * What must never appear in an API response, wherever it is in the suite: stored hashes, TOTP
 * secrets, and the one-time secrets outside the single response that issues each of them.
 */
const ALWAYS_FORBIDDEN: Array<[RegExp, string]> = [
  [/\$argon2(id|i|d)\$/, 'a password hash'],
  [/"?(password_?hash|token_?hash|code_?hash|totp_?secret)"?\s*:/i, 'a stored hash or TOTP secret field'],
  // SecretBox's sealed form (v1.<key id>.<iv>.<tag>.<ciphertext>): sealed SSH keys and variable values stay in the database.
  [/v1\.[0-9a-f]{12}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\./, 'a sealed secret'],
];

const ISSUED_ONCE: Array<{ pattern: RegExp; what: string; allowedAt: RegExp }> = [
  { pattern: /zpr_[A-Za-z0-9]{36}/, what: 'a refresh token', allowedAt: /^POST \/api\/v1\/auth\/(login|refresh)$/ },
  { pattern: /zp_[A-Za-z0-9]{36}/, what: 'an API token', allowedAt: /^POST \/api\/v1\/teams\/[^/]+\/api-tokens$/ },
  {
    pattern: /zpi_[A-Za-z0-9]{36}/,
    what: 'an invitation token',
    allowedAt: /^POST \/api\/v1\/teams\/[^/]+\/invitations(\/[^/]+\/resend)?$/,
  },
  // A reset link's token goes by email only: no response ever carries one.
  { pattern: /zpp_[A-Za-z0-9]{36}/, what: 'a password reset token', allowedAt: /^$/ },
  { pattern: /zpw_[A-Za-z0-9]{36}/, what: 'a webhook secret', allowedAt: /^POST \/api\/v1\/applications\/[^/]+\/webhook-secret$/ },
  // A generic webhook channel's signing secret, generated when none was given (docs/notifications.md).
  { pattern: /whsec_[A-Za-z0-9+/]{16}/, what: 'a notification signing secret', allowedAt: /^POST \/api\/v1\/notification-channels$/ },
  // A text value: a file mount's `"secret": true` flag says only whether its content is sealed.
  { pattern: /"secret"\s*:\s*"/, what: 'a TOTP secret', allowedAt: /^POST \/api\/v1\/me\/two-factor\/enrollment$/ },
];

/**
 * Secrets revealed on purpose, on their own route only (to `read:sensitive`): a database password,
 * as a field or inside a connection URL.
 */
const REVEALED_ONLY: Array<{ pattern: RegExp; what: string; allowedAt: RegExp }> = [
  {
    pattern: /"password"\s*:\s*"[^"]|:\/\/[^\s"/@:]+:[A-Za-z0-9]{32,128}@/,
    what: 'a database password',
    allowedAt: /^GET \/api\/v1\/databases\/[^/]+\/credentials$/,
  },
];

/** Throws naming the leak when a response body carries a secret it must not. */
export function assertNoLeakedSecrets(method: string, path: string, body: string): void {
  const route = `${method.toUpperCase()} ${path.split('?')[0]}`;
  for (const [pattern, what] of ALWAYS_FORBIDDEN) {
    if (pattern.test(body)) throw new Error(`${route} returned ${what}`);
  }
  for (const { pattern, what, allowedAt } of ISSUED_ONCE) {
    if (pattern.test(body) && !allowedAt.test(route)) throw new Error(`${route} returned ${what}, which only its issuing response may contain`);
  }
  for (const { pattern, what, allowedAt } of REVEALED_ONLY) {
    if (pattern.test(body) && !allowedAt.test(route)) throw new Error(`${route} returned ${what}, which only its reveal route may contain`);
  }
}
