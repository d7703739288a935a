import crypto from 'node:crypto';
import type { WebhookProvider } from '@zpanel/contracts';
import { signatureFor, verifySignature } from './webhook-signature';

const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main' }));
const secret = 'zpw_s3cret';
const hmac = (s: string) => crypto.createHmac('sha256', s).update(body).digest('hex');

describe('verifySignature', () => {
  it.each<[WebhookProvider, string]>([
    ['github', `sha256=${hmac(secret)}`],
    ['bitbucket', `sha256=${hmac(secret)}`],
    ['gitea', hmac(secret)],
    ['gitlab', secret],
  ])('%s: accepts the provider’s own format', (provider, header) => {
    expect(verifySignature(provider, header, body, secret)).toBe(true);
    expect(signatureFor(provider, body, secret)).toBe(header);
  });

  it.each<WebhookProvider>(['github', 'bitbucket', 'gitea', 'gitlab'])(
    '%s: refuses another secret, a missing or empty header, and an empty secret',
    (provider) => {
      expect(verifySignature(provider, signatureFor(provider, body, 'other'), body, secret)).toBe(false);
      expect(verifySignature(provider, undefined, body, secret)).toBe(false);
      expect(verifySignature(provider, '', body, secret)).toBe(false);
      expect(verifySignature(provider, signatureFor(provider, body, secret), body, '')).toBe(false);
    },
  );

  it.each<WebhookProvider>(['github', 'bitbucket', 'gitea'])('%s: refuses a signature of another body', (provider) => {
    expect(verifySignature(provider, signatureFor(provider, body, secret), Buffer.concat([body, Buffer.from(' ')]), secret)).toBe(false);
  });

  it('refuses malformed HMAC headers', () => {
    const hex = hmac(secret);
    for (const header of [
      hex,
      `sha1=${hex}`,
      `sha256=${hex.slice(2)}`,
      `sha256=${hex}00`,
      `sha256=${'z'.repeat(64)}`,
      'sha256=',
      `sha256=${hex.toUpperCase()}x`,
    ]) {
      expect(verifySignature('github', header, body, secret)).toBe(false);
      expect(verifySignature('bitbucket', header, body, secret)).toBe(false);
    }
    expect(verifySignature('gitea', `sha256=${hex}`, body, secret)).toBe(false);
    expect(verifySignature('gitea', hex.slice(1), body, secret)).toBe(false);
  });

  it('refuses a GitLab token that is a prefix or extension of the secret', () => {
    expect(verifySignature('gitlab', secret.slice(0, -1), body, secret)).toBe(false);
    expect(verifySignature('gitlab', `${secret}x`, body, secret)).toBe(false);
  });

  it('compares with crypto.timingSafeEqual', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      for (const provider of ['github', 'gitlab', 'gitea', 'bitbucket'] as const) {
        spy.mockClear();
        verifySignature(provider, signatureFor(provider, body, secret), body, secret);
        expect(spy).toHaveBeenCalled();
      }
    } finally {
      spy.mockRestore();
    }
  });
});
