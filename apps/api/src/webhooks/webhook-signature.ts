// The module object (not named imports): the compare is observable in tests, which check it is the timing-safe one.
import crypto from 'node:crypto';
import type { WebhookProvider } from '@zpanel/contracts';

/** The header carrying each provider's proof, lower-cased as Node gives headers. */
export const SIGNATURE_HEADERS: Record<WebhookProvider, string> = {
  github: 'x-hub-signature-256',
  gitea: 'x-gitea-signature',
  bitbucket: 'x-hub-signature',
  gitlab: 'x-gitlab-token',
};

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** Equal-length buffers compared in constant time; a length difference says nothing about the content. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    // Still spend a comparison so a wrong length takes as long as a wrong value.
    crypto.timingSafeEqual(a, a);
    return false;
  }
  return crypto.timingSafeEqual(a, b);
}

/** The hex HMAC-SHA256 the provider sent, or null when the header is missing or malformed. */
function sentHmac(provider: WebhookProvider, header: string): Buffer | null {
  const hex = provider === 'gitea' ? header : header.startsWith('sha256=') ? header.slice('sha256='.length) : null;
  if (hex === null || !HEX_SHA256.test(hex)) return null;
  return Buffer.from(hex, 'hex');
}

/**
 * Whether the delivery carries a valid proof for `secret`: HMAC-SHA256 of the raw body for GitHub
 * (`sha256=<hex>`), Gitea (`<hex>`) and Bitbucket (`sha256=<hex>`); the token itself for GitLab.
 * Every compare is timing-safe. A missing or malformed header is never valid.
 */
export function verifySignature(provider: WebhookProvider, header: string | undefined, rawBody: Buffer, secret: string): boolean {
  if (typeof header !== 'string' || header.length === 0 || secret.length === 0) return false;
  if (provider === 'gitlab') {
    // Compare digests: equal length whatever was sent, so the compare leaks nothing about the token.
    const digest = (s: string) => crypto.createHmac('sha256', 'zpanel-gitlab-token').update(s, 'utf8').digest();
    return safeEqual(digest(header), digest(secret));
  }
  const sent = sentHmac(provider, header.trim());
  if (!sent) return false;
  return safeEqual(sent, crypto.createHmac('sha256', secret).update(rawBody).digest());
}

/** What a provider would send for this body and secret (tests and the documentation's examples). */
export function signatureFor(provider: WebhookProvider, rawBody: Buffer | string, secret: string): string {
  if (provider === 'gitlab') return secret;
  const hex = crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
  return provider === 'gitea' ? hex : `sha256=${hex}`;
}
