import { DEFAULT_OUTBOUND_DENIED_CIDRS, DEFAULT_SERVER_DENIED_CIDRS, newSigningSecret } from '@zpanel/core';
import type { NotificationWebhookBody } from '@zpanel/contracts';
import { HttpReceiver, TestSmtpServer, makeTestCertificates } from '@zpanel/testing';
import type { TestCertificates } from '@zpanel/testing';
import { Webhook } from 'standardwebhooks';
import type { OpenedChannel, SendOutcome } from './channel-sender';
import { aNotificationWebhookBody } from './fake-notification-senders';
import { NotificationSenders } from './notification-senders';
import type { NotificationSendersOptions } from './notification-senders';
import { SmtpMailer } from './smtp-mailer';

/**
 * Real parts: every provider's request as its documentation describes it, received by a local HTTP
 * server on 127.0.0.1; the webhook signature checked by the `standardwebhooks` package; email
 * through a real SMTP server (`smtp-server`) in the clear and with STARTTLS and TLS against a
 * certificate of a test CA.
 */

const LOOPBACK_ALLOWED = {
  allowedCidrs: ['127.0.0.1/32'],
  outboundDeniedCidrs: [...DEFAULT_OUTBOUND_DENIED_CIDRS],
  serverDeniedCidrs: [...DEFAULT_SERVER_DENIED_CIDRS],
};
const DEFAULT_POLICY = { ...LOOPBACK_ALLOWED, allowedCidrs: [] };
const BOT_TOKEN = '7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_';

/** Host names of the tests, resolved by the AddressPolicy's resolver seam; anything else does not resolve. */
const names = new Map<string, string[]>([
  ['hooks.zpanel.test', ['127.0.0.1']],
  ['mail.zpanel.test', ['127.0.0.1']],
  ['metadata.zpanel.test', ['169.254.169.254']],
  ['mixed.zpanel.test', ['127.0.0.1', '169.254.169.254']],
]);
const resolver = async (host: string) => names.get(host) ?? [];

let receiver: HttpReceiver;
let other: HttpReceiver;

function senders(overrides: Partial<NotificationSendersOptions> = {}): NotificationSenders {
  return new NotificationSenders({ network: LOOPBACK_ALLOWED, timeoutMs: 2_000, telegramApiUrl: receiver.origin, resolver, ...overrides });
}

const channel = (kind: OpenedChannel['kind'], settings: Record<string, unknown>, secrets: OpenedChannel['secrets']): OpenedChannel => ({
  kind,
  name: `${kind} channel`,
  settings,
  secrets,
});
const send = (sender: NotificationSenders, target: OpenedChannel, message: NotificationWebhookBody = aNotificationWebhookBody()) =>
  sender.send(target, message, new AbortController().signal);
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

/** No outcome's error may hold any of `secrets` (a webhook URL, its path, a token). */
function expectNoSecret(outcome: SendOutcome, secrets: string[]): void {
  const text = JSON.stringify(outcome);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

beforeAll(async () => {
  receiver = await HttpReceiver.start();
  other = await HttpReceiver.start();
});
afterAll(async () => {
  await receiver.close();
  await other.close();
});
beforeEach(() => {
  receiver.clear();
  other.clear();
});

describe('provider request formats', () => {
  it('Slack: POST JSON {text, blocks} to the incoming webhook URL', async () => {
    const outcome = await send(senders(), channel('slack', {}, { webhookUrl: receiver.url('/services/T0/B0/slacksecret') }));
    expect(outcome).toEqual({ ok: true, status: 200 });
    const [request] = receiver.received;
    expect(request).toMatchObject({ method: 'POST', url: '/services/T0/B0/slacksecret' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Zpanel-Notifications/1');
    const body = json(request.body) as { text: string; blocks: { type: string; text?: { type: string; text: string } }[] };
    expect(typeof body.text).toBe('string');
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(body.blocks[0].text!.text).toContain('|Deployment of shop failed>*');
  });

  it('Mattermost: POST JSON {text} in Markdown', async () => {
    await send(senders(), channel('mattermost', {}, { webhookUrl: receiver.url('/hooks/mmsecret') }));
    const [request] = receiver.received;
    expect(request).toMatchObject({ method: 'POST', url: '/hooks/mmsecret' });
    expect(Object.keys(json(request.body))).toEqual(['text']);
    expect(json(request.body).text).toMatch(/^\*\*\[Deployment of shop failed\]\(https:\/\/zpanel\.example\.com\/.*\)\*\*\n/);
  });

  it('Discord: POST JSON {embeds, allowed_mentions: {parse: []}}', async () => {
    await send(
      senders(),
      channel('discord', {}, { webhookUrl: receiver.url('/api/webhooks/1/discordsecret') }),
      aNotificationWebhookBody({ title: '@everyone deploy' }),
    );
    const body = json(receiver.received[0].body) as { embeds: Record<string, unknown>[]; allowed_mentions: unknown };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(1);
    expect(Object.keys(body.embeds[0]).sort()).toEqual(['color', 'description', 'footer', 'timestamp', 'title', 'url']);
    expect(body.embeds[0].title).toBe('@everyone deploy');
  });

  it('Telegram: POST JSON to <api>/bot<token>/sendMessage, HTML parse mode', async () => {
    receiver.respond = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true,"result":{}}' });
    const outcome = await send(senders(), channel('telegram', { chatId: '@zpanel_alerts' }, { botToken: BOT_TOKEN }));
    expect(outcome).toEqual({ ok: true, status: 200 });
    const [request] = receiver.received;
    expect(request.url).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(json(request.body)).toMatchObject({ chat_id: '@zpanel_alerts', parse_mode: 'HTML', disable_web_page_preview: true });
  });

  it('Telegram: the description of an error answer, never the token', async () => {
    receiver.respond = () => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}',
    });
    const outcome = await send(senders(), channel('telegram', { chatId: '-100123' }, { botToken: BOT_TOKEN }));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      status: 400,
      retryAfterMs: null,
      error: 'Telegram answered 400 Bad Request: Bad Request: chat not found',
    });
  });

  it('ntfy: POST JSON {topic, title, message, priority, tags, click} to the server root with the Bearer token', async () => {
    await send(senders(), channel('ntfy', { serverUrl: receiver.origin, topic: 'zpanel' }, { accessToken: 'tk_ntfysecret' }));
    const [request] = receiver.received;
    expect(request).toMatchObject({ method: 'POST', url: '/' });
    expect(request.headers.authorization).toBe('Bearer tk_ntfysecret');
    expect(json(request.body)).toMatchObject({
      topic: 'zpanel',
      title: 'Deployment of shop failed',
      priority: 5,
      click: expect.stringMatching(/^https:/),
    });
  });

  it('generic webhook: the body signed as Standard Webhooks, verified by the standardwebhooks package', async () => {
    const secret = newSigningSecret();
    const message = aNotificationWebhookBody();
    const outcome = await send(senders(), channel('webhook', { url: receiver.url('/zpanel-events') }, { signingSecret: secret }), message);
    expect(outcome).toEqual({ ok: true, status: 200 });
    const [request] = receiver.received;
    expect(request.headers['webhook-id']).toBe(message.id);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1_000)).toBeLessThan(10);
    const verified = new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toEqual(message);
    // The same body with another key, or tampered, does not verify.
    expect(() => new Webhook(newSigningSecret()).verify(request.body, request.headers as Record<string, string>)).toThrow();
    expect(() => new Webhook(secret).verify(request.body.replace('failed', 'passed'), request.headers as Record<string, string>)).toThrow();
  });
});

describe('classification of answers', () => {
  const webhook = () => channel('slack', {}, { webhookUrl: receiver.url('/services/classify') });

  it('500 is retryable', async () => {
    receiver.respond = () => ({ status: 500, body: 'oops' });
    await expect(send(senders(), webhook())).resolves.toEqual({
      ok: false,
      retryable: true,
      status: 500,
      retryAfterMs: null,
      error: 'Slack answered 500 Internal Server Error: oops',
    });
  });

  it('429 is retryable after its Retry-After', async () => {
    receiver.respond = () => ({ status: 429, headers: { 'retry-after': '3' } });
    await expect(send(senders(), webhook())).resolves.toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 3_000 });
  });

  it('400 is not retried', async () => {
    receiver.respond = () => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'invalid_payload' });
    await expect(send(senders(), webhook())).resolves.toEqual({
      ok: false,
      retryable: false,
      status: 400,
      retryAfterMs: null,
      error: 'Slack answered 400 Bad Request: invalid_payload',
    });
  });

  it('a receiver slower than the timeout is a retryable failure, within the timeout', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 3_000 });
    const started = Date.now();
    const outcome = await send(senders({ timeoutMs: 300 }), webhook());
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(outcome).toEqual({ ok: false, retryable: true, status: null, retryAfterMs: null, error: 'Slack did not answer within 300 ms' });
  });

  it('an attempt stopped by its caller answers at once, retryable', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 3_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('worker shutting down')), 100);
    const started = Date.now();
    const outcome = await senders().send(webhook(), aNotificationWebhookBody(), controller.signal);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(outcome).toMatchObject({ ok: false, retryable: true, status: null });
  });

  it('a closed port is a retryable network error', async () => {
    const closed = await HttpReceiver.start();
    const url = closed.url('/services/closed-secret');
    await closed.close();
    const outcome = await send(senders(), channel('slack', {}, { webhookUrl: url }));
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      status: null,
      retryAfterMs: null,
      error: 'could not reach Slack: the connection was refused',
    });
  });

  it('reads only the start of a huge answer', async () => {
    receiver.respond = () => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'e'.repeat(5_000_000) });
    const outcome = await send(senders(), webhook());
    expect(outcome).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect((outcome as { error: string }).error.length).toBeLessThan(300);
  });

  it('does not follow a redirect', async () => {
    receiver.respond = () => ({ status: 307, headers: { location: other.url('/stolen') } });
    const outcome = await send(senders(), webhook());
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      status: 307,
      retryAfterMs: null,
      error: 'Slack answered 307 Temporary Redirect, a redirect; redirects are not followed',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(other.received).toHaveLength(0);
  });
});

describe('address policy at send time', () => {
  it('refuses a loopback receiver under the default policy, and sends nothing', async () => {
    const outcome = await send(senders({ network: DEFAULT_POLICY }), channel('discord', {}, { webhookUrl: receiver.url('/api/webhooks/1/x') }));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      status: null,
      retryAfterMs: null,
      error: 'the Discord webhook URL points to an address this instance does not connect to',
    });
    expect(receiver.received).toHaveLength(0);
  });

  it('sends to a loopback receiver when allowedCidrs has 127.0.0.1/32', async () => {
    await expect(send(senders(), channel('discord', {}, { webhookUrl: receiver.url('/api/webhooks/1/x') }))).resolves.toEqual({
      ok: true,
      status: 200,
    });
  });

  it('refuses a host name that resolves to a denied address (metadata), or to a mix', async () => {
    for (const host of ['metadata.zpanel.test', 'mixed.zpanel.test']) {
      const outcome = await send(senders(), channel('webhook', { url: `http://${host}:${receiver.port}/in` }, { signingSecret: newSigningSecret() }));
      expect(outcome).toMatchObject({ ok: false, retryable: false, error: 'the webhook URL points to an address this instance does not connect to' });
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('connects to the checked address of a name, keeping the Host header, and checks again at each send (DNS rebinding)', async () => {
    let answer = ['127.0.0.1'];
    const sender = senders({ resolver: async (host) => (host === 'rebind.zpanel.test' ? answer : []) });
    const target = channel('ntfy', { serverUrl: `http://rebind.zpanel.test:${receiver.port}`, topic: 't' }, {});
    await expect(send(sender, target)).resolves.toEqual({ ok: true, status: 200 });
    expect(receiver.received[0].headers.host).toBe(`rebind.zpanel.test:${receiver.port}`);
    answer = ['169.254.169.254'];
    await expect(send(sender, target)).resolves.toMatchObject({
      ok: false,
      retryable: false,
      error: 'the ntfy server URL points to an address this instance does not connect to',
    });
    expect(receiver.received).toHaveLength(1);
  });

  it('a resolver that does not answer counts in the attempt’s timeout (HTTP and SMTP)', async () => {
    const hanging = senders({ timeoutMs: 300, resolver: () => new Promise<string[]>(() => undefined) });
    const started = Date.now();
    await expect(send(hanging, channel('slack', {}, { webhookUrl: 'http://slow-dns.zpanel.test/services/x' }))).resolves.toEqual({
      ok: false,
      retryable: true,
      status: null,
      retryAfterMs: null,
      error: 'Slack did not answer within 300 ms',
    });
    const email = channel(
      'email',
      { host: 'slow-dns.zpanel.test', port: 25, security: 'none', username: null, from: 'z@example.com', to: ['a@example.com'] },
      {},
    );
    await expect(send(hanging, email)).resolves.toMatchObject({ ok: false, retryable: true, error: 'the SMTP server did not answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a name that does not resolve is a retryable failure', async () => {
    const outcome = await send(senders(), channel('mattermost', {}, { webhookUrl: 'http://nowhere.zpanel.test/hooks/secret' }));
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      status: null,
      retryAfterMs: null,
      error: 'the host of the Mattermost webhook URL does not resolve',
    });
  });
});

describe('secrets never in errors', () => {
  it('a receiver echoing the path (the token, the webhook secret) is quoted without it', async () => {
    receiver.respond = (request) => ({
      status: 404,
      headers: { 'content-type': 'text/plain' },
      body: `Cannot POST ${request.url} (${decodeURIComponent(request.url)})`,
    });
    const cases: [OpenedChannel, string[]][] = [
      [channel('telegram', { chatId: '1' }, { botToken: BOT_TOKEN }), [BOT_TOKEN]],
      [channel('slack', {}, { webhookUrl: receiver.url('/services/T1/B1/sl%41cksecret') }), ['slAcksecret', 'sl%41cksecret']],
      [channel('discord', {}, { webhookUrl: receiver.url('/api/webhooks/9/discordtoken') }), ['discordtoken']],
      [channel('webhook', { url: receiver.url('/in?token=querysecret') }, { signingSecret: newSigningSecret() }), ['querysecret']],
    ];
    for (const [target, secrets] of cases) {
      const outcome = await send(senders(), target);
      expect(outcome).toMatchObject({ ok: false, status: 404, error: expect.stringContaining('[redacted]') });
      expectNoSecret(outcome, [...secrets, receiver.origin]);
    }
  });

  it('network, timeout and refusal errors name no URL', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 1_000 });
    const url = receiver.url('/services/T/B/timeoutsecret');
    expectNoSecret(await send(senders({ timeoutMs: 200 }), channel('slack', {}, { webhookUrl: url })), ['timeoutsecret', '127.0.0.1']);
    expectNoSecret(await send(senders({ network: DEFAULT_POLICY }), channel('slack', {}, { webhookUrl: url })), ['timeoutsecret', '127.0.0.1']);
  });
});

describe('HTTPS with a certificate of a test CA', () => {
  let certificates: TestCertificates;
  let secure: HttpReceiver;

  beforeAll(async () => {
    certificates = makeTestCertificates(['hooks.zpanel.test', 'mail.zpanel.test']);
    secure = await HttpReceiver.start({ key: certificates.key, cert: certificates.cert });
  });
  afterAll(() => secure.close());
  beforeEach(() => secure.clear());

  it('verifies the certificate against the host name, sent as the TLS server name', async () => {
    const target = channel('slack', {}, { webhookUrl: `https://hooks.zpanel.test:${secure.port}/services/tls` });
    await expect(send(senders({ caCertificates: [certificates.ca] }), target)).resolves.toEqual({ ok: true, status: 200 });
    expect(secure.received[0].servername).toBe('hooks.zpanel.test');
    expect(secure.received[0].headers.host).toBe(`hooks.zpanel.test:${secure.port}`);
  });

  it('refuses a certificate it cannot verify (unknown CA, or another name), not retried', async () => {
    const unknownCa = await send(senders(), channel('slack', {}, { webhookUrl: `https://hooks.zpanel.test:${secure.port}/services/tls` }));
    expect(unknownCa).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('TLS certificate did not verify') });
    const wrongName = await send(
      senders({ caCertificates: [certificates.ca] }),
      channel('slack', {}, { webhookUrl: `https://127.0.0.1:${secure.port}/services/tls` }),
    );
    expect(wrongName).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('TLS certificate did not verify') });
    expect(secure.received).toHaveLength(0);
  });
});

describe('email through a real SMTP server', () => {
  let certificates: TestCertificates;
  const emailChannel = (port: number, security: string, extra: Record<string, unknown> = {}, password?: string) =>
    channel(
      'email',
      {
        host: 'mail.zpanel.test',
        port,
        security,
        username: null,
        from: 'Zpanel <zpanel@example.com>',
        to: ['ops@example.com', 'dev@example.com'],
        ...extra,
      },
      password === undefined ? {} : { password },
    );

  beforeAll(() => {
    certificates = makeTestCertificates(['mail.zpanel.test']);
  });

  it('security none: the notification arrives with its subject, text and escaped HTML', async () => {
    const smtp = await TestSmtpServer.start();
    try {
      const message = aNotificationWebhookBody({ title: 'Deploy <b>shop</b> failed', message: 'Reason: <script>x</script>' });
      const outcome = await send(senders(), emailChannel(smtp.port, 'none'), message);
      expect(outcome).toEqual({ ok: true, status: null });
      expect(smtp.received).toHaveLength(1);
      const [email] = smtp.received;
      expect(email.from).toBe('zpanel@example.com');
      expect(email.to).toEqual(['ops@example.com', 'dev@example.com']);
      expect(email.secure).toBe(false);
      expect(email.raw).toMatch(/^Subject: Deploy <b>shop<\/b> failed\r?$/m);
      expect(email.raw).toContain('Content-Type: text/plain');
      expect(email.raw).toContain('Content-Type: text/html');
      expect(email.raw).toContain('Reason: <script>x</script>');
      expect(email.raw).toContain('Reason: &lt;script&gt;x&lt;/script&gt;');
    } finally {
      await smtp.stop();
    }
  });

  it('security starttls: upgrades, verifies the certificate by name through the CA given to the mailer, logs in', async () => {
    const smtp = await TestSmtpServer.start({ tls: certificates, users: { zpanel: 'smtp-pass-secret' } });
    try {
      const target = emailChannel(smtp.port, 'starttls', { username: 'zpanel' }, 'smtp-pass-secret');
      await expect(send(senders({ caCertificates: [certificates.ca] }), target)).resolves.toEqual({ ok: true, status: null });
      expect(smtp.received[0]).toMatchObject({ secure: true, username: 'zpanel' });
      // Without the CA the certificate does not verify: never sent in the clear instead.
      const unverified = await send(senders(), target);
      expect(unverified).toMatchObject({ ok: false, retryable: false, error: 'the SMTP server’s TLS certificate did not verify' });
      // A wrong password: refused, not retried, the password not quoted.
      const refused = await send(
        senders({ caCertificates: [certificates.ca] }),
        emailChannel(smtp.port, 'starttls', { username: 'zpanel' }, 'wrong-pass-secret'),
      );
      expect(refused).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('refused the login') });
      expectNoSecret(refused, ['wrong-pass-secret']);
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.stop();
    }
  });

  it('security starttls against a server without STARTTLS fails instead of sending in the clear', async () => {
    const smtp = await TestSmtpServer.start();
    try {
      const outcome = await send(senders(), emailChannel(smtp.port, 'starttls'));
      expect(outcome).toMatchObject({ ok: false, retryable: false });
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.stop();
    }
  });

  it('security tls: TLS from the first byte', async () => {
    const smtp = await TestSmtpServer.start({ tls: certificates, implicitTls: true });
    try {
      await expect(send(senders({ caCertificates: [certificates.ca] }), emailChannel(smtp.port, 'tls'))).resolves.toEqual({ ok: true, status: null });
      expect(smtp.received[0].secure).toBe(true);
    } finally {
      await smtp.stop();
    }
  });

  it('a recipient the server refuses with 550 is not retried', async () => {
    const smtp = await TestSmtpServer.start({ rejectRecipients: ['ops@example.com', 'dev@example.com'] });
    try {
      const outcome = await send(senders(), emailChannel(smtp.port, 'none'));
      expect(outcome).toMatchObject({ ok: false, retryable: false, status: null, error: expect.stringContaining('refused') });
    } finally {
      await smtp.stop();
    }
  });

  it('refuses an SMTP host on a denied address, and one that is not listening is retryable', async () => {
    const smtp = await TestSmtpServer.start();
    const { port } = smtp;
    try {
      const refused = await send(senders({ network: DEFAULT_POLICY }), emailChannel(port, 'none'));
      expect(refused).toEqual({
        ok: false,
        retryable: false,
        status: null,
        retryAfterMs: null,
        error: 'the SMTP host points to an address this instance does not connect to',
      });
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.stop();
    }
    await expect(send(senders(), emailChannel(port, 'none'))).resolves.toMatchObject({ ok: false, retryable: true, status: null });
    await expect(send(senders(), emailChannel(port, 'none', { host: 'nowhere.zpanel.test' }))).resolves.toEqual({
      ok: false,
      retryable: true,
      status: null,
      retryAfterMs: null,
      error: 'the SMTP host does not resolve',
    });
  });

  it('the SmtpMailer alone sends an instance email (a password reset) to one address', async () => {
    const smtp = await TestSmtpServer.start();
    try {
      const mailer = new SmtpMailer({ network: LOOPBACK_ALLOWED, timeoutMs: 2_000, resolver });
      const outcome = await mailer.send(
        { host: '127.0.0.1', port: smtp.port, security: 'none', username: null, password: null, from: 'zpanel@example.com' },
        { to: 'user@example.com', subject: 'Reset your Zpanel password', text: 'Open https://zpanel.example.com/reset#token' },
        new AbortController().signal,
      );
      expect(outcome).toEqual({ ok: true, status: null });
      expect(smtp.received[0].to).toEqual(['user@example.com']);
      expect(smtp.received[0].raw).toContain('Subject: Reset your Zpanel password');
    } finally {
      await smtp.stop();
    }
  });
});
