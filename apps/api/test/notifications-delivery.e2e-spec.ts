import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  type CreatedNotificationChannelResponse,
  type NotificationDeliveryDto,
  type NotificationLiveEvent,
  type NotificationTestResultDto,
  type NotificationWebhookBody,
  type Paginated,
  type ProblemDetails,
} from '@zpanel/contracts';
import {
  HttpReceiver,
  type ReceivedRequest,
  TestSmtpServer,
  connectEvents,
  liveSubscribe,
  makeTestCertificates,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

/**
 * Verifies a generic webhook's signature the way a receiver would, written here from the Standard
 * Webhooks specification (not with Zpanel's signer): HMAC-SHA256 keyed with the base64 after `whsec_`
 * over `<webhook-id>.<webhook-timestamp>.<body>`, sent as `v1,<base64>` in `webhook-signature`.
 */
function signatureValid(request: ReceivedRequest, secret: string): boolean {
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signatures = String(request.headers['webhook-signature'] ?? '').split(' ');
  if (typeof id !== 'string' || typeof timestamp !== 'string') return false;
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${request.body}`)
    .digest();
  return signatures.some((signature) => {
    const [version, value] = signature.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * "Send test", the delivery log and the live notification centre through the built API and worker,
 * against real HTTP receivers on 127.0.0.1: the receiver's answer in words (a refusal is `ok: false`,
 * not an error), the generic webhook signed so that an independent check passes, an event fanned
 * out by the worker listed in the channel's log and pushed live, no secret in any log, and a 503
 * when the worker does not answer.
 */
describe('notification delivery through the API (built api + worker, local receivers)', () => {
  const env: Record<string, string> = {
    LOG_LEVEL: 'debug',
    NOTIFICATIONS_TIMEOUT_MS: '2000',
    NOTIFICATIONS_REAP_MS: '500',
    NOTIFICATIONS_RETRY_BASE_MS: '50',
  };
  let https: HttpReceiver;
  let telegram: HttpReceiver;
  let certificates: string;
  // Before the stack starts (hooks run in the order they are declared): the worker trusts the test CA
  // of the HTTPS receiver Slack and Discord need, and sends Telegram's Bot API requests to a receiver.
  beforeAll(async () => {
    const tls = makeTestCertificates(['localhost']);
    certificates = await mkdtemp(join(tmpdir(), 'zp-notification-ca-'));
    await writeFile(join(certificates, 'ca.pem'), tls.ca);
    https = await HttpReceiver.start({ key: tls.key, cert: tls.cert });
    telegram = await HttpReceiver.start();
    env.NODE_EXTRA_CA_CERTS = join(certificates, 'ca.pem');
    env.TELEGRAM_API_URL = telegram.origin;
  });
  const suite = useOwnedStack({ worker: true, env });
  const { asOwner } = suite;
  let receiver: HttpReceiver;
  const secrets: string[] = [];

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
  });
  afterAll(async () => {
    await Promise.all([receiver?.close(), https?.close(), telegram?.close()]);
    if (certificates) await rm(certificates, { recursive: true, force: true });
    const logs = `${suite.stack.api.output()}${suite.stack.worker?.output() ?? ''}`;
    expect(secrets.filter((secret) => logs.includes(secret) || logs.includes(secret.slice('whsec_'.length)))).toEqual([]);
  });

  const createWebhook = async (name: string, path: string) => {
    const created = await asOwner<CreatedNotificationChannelResponse>('POST', '/api/v1/notification-channels', {
      kind: 'webhook',
      name,
      settings: { url: receiver.url(path) },
      events: ['deployment.failed'],
    });
    expect(created.status).toBe(201);
    secrets.push(created.body.signingSecret as string);
    return created.body;
  };

  it("sends a signed test message through a saved webhook channel and answers with the receiver's status", async () => {
    const channel = await createWebhook('receiver', '/hook?team=ops');
    receiver.clear();
    const result = await asOwner<NotificationTestResultDto>('POST', `/api/v1/notification-channels/${channel.id}/test`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ok: true, status: 200, error: null });
    expect(result.body.latencyMs).toBeGreaterThanOrEqual(0);
    const [request] = await receiver.waitFor(1);
    expect([request.method, request.url]).toEqual(['POST', '/hook?team=ops']);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(signatureValid(request, channel.signingSecret as string)).toBe(true);
    expect(signatureValid(request, `whsec_${Buffer.alloc(32, 1).toString('base64')}`)).toBe(false);
    const body = JSON.parse(request.body) as NotificationWebhookBody;
    expect(body).toMatchObject({ version: 1, type: 'test', team: { id: suite.owner.teamId } });

    // A refusal is an answer in words, not an error of the route.
    receiver.answerNext({ status: 404, body: 'no such hook' });
    const refused = await asOwner<NotificationTestResultDto>('POST', `/api/v1/notification-channels/${channel.id}/test`);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false, status: 404 });
    expect(refused.body.error).toEqual(expect.any(String));
    // Nothing of a test goes to the delivery log.
    const log = await asOwner<Paginated<NotificationDeliveryDto>>('GET', `/api/v1/notification-channels/${channel.id}/deliveries`);
    expect(log.body.total).toBe(0);
  });

  it('tests settings before they are saved, with the secret sealed for the job, and saves nothing', async () => {
    const before = (await asOwner<unknown[]>('GET', '/api/v1/notification-channels')).body;
    receiver.clear();
    const own = `whsec_${Buffer.concat([Buffer.from(randomUUID().replace(/-/g, ''), 'hex'), Buffer.from(randomUUID().replace(/-/g, ''), 'hex')]).toString('base64')}`;
    secrets.push(own);
    const tested = await asOwner<NotificationTestResultDto>('POST', '/api/v1/notification-channels/test', {
      kind: 'webhook',
      name: 'Not saved yet',
      settings: { url: receiver.url('/unsaved') },
      secrets: { signingSecret: own },
    });
    expect(tested.body).toMatchObject({ ok: true, status: 200 });
    const [request] = await receiver.waitFor(1);
    expect(request.url).toBe('/unsaved');
    expect(signatureValid(request, own)).toBe(true);
    // A Mattermost server without TLS (the test receiver), its webhook URL a secret sealed for the job.
    const hook = receiver.url(`/hooks/${randomUUID()}`);
    secrets.push(hook);
    const mattermost = await asOwner<NotificationTestResultDto>('POST', '/api/v1/notification-channels/test', {
      kind: 'mattermost',
      secrets: { webhookUrl: hook },
    });
    expect(mattermost.body).toMatchObject({ ok: true, status: 200 });
    expect((await receiver.waitFor(2))[1].url).toBe(new URL(hook).pathname);
    // The same rules as saving.
    const bad = await asOwner<ProblemDetails>('POST', '/api/v1/notification-channels/test', { kind: 'webhook', settings: { url: 'gopher://x' } });
    expect([bad.status, bad.body.errors?.map((e) => e.field)]).toEqual([400, ['settings.url']]);
    expect((await asOwner<unknown[]>('GET', '/api/v1/notification-channels')).body).toEqual(before);
  });

  it("reaches each kind's receiver with the settings and secrets as the API checked them (Send test of unsaved settings)", async () => {
    const smtp = await TestSmtpServer.start({ users: { zpanel: 'smtp pass with spaces \u00e9' } });
    try {
      const botToken = `123456:${'A'.repeat(20)}${randomUUID().replace(/-/g, '').slice(0, 15)}`;
      const cases: [string, Record<string, unknown>, () => Promise<string>][] = [
        [
          'email',
          {
            kind: 'email',
            settings: {
              host: '127.0.0.1',
              port: smtp.port,
              security: 'none',
              username: 'zpanel',
              from: 'zpanel@example.com',
              to: ['ops@example.com'],
            },
            secrets: { password: 'smtp pass with spaces \u00e9' },
          },
          async () => {
            await waitFor(async () => (smtp.received.length > 0 ? true : undefined), 5_000, 'the email');
            const [mail] = smtp.received;
            return `${mail.username} ${mail.from} ${mail.to.join()}`;
          },
        ],
        [
          'telegram',
          { kind: 'telegram', settings: { chatId: '@zpanel_ops' }, secrets: { botToken } },
          async () => {
            const [request] = await telegram.waitFor(1);
            return `${request.url} ${(JSON.parse(request.body) as { chat_id: string }).chat_id}`;
          },
        ],
        [
          'ntfy',
          { kind: 'ntfy', settings: { serverUrl: receiver.url('/ntfy'), topic: 'zp-alerts' }, secrets: { accessToken: 'tk_test_token' } },
          async () => {
            const request = (await receiver.waitFor(1))[0];
            return `${request.url} ${(JSON.parse(request.body) as { topic: string }).topic} ${request.headers.authorization}`;
          },
        ],
        [
          'slack',
          { kind: 'slack', secrets: { webhookUrl: `https://localhost:${https.port}/services/T0/B0/x` } },
          async () => (await https.waitFor(1))[0].url,
        ],
        [
          'discord',
          { kind: 'discord', secrets: { webhookUrl: `https://localhost:${https.port}/api/webhooks/1/x` } },
          async () => (await https.waitFor(1))[0].url,
        ],
      ];
      const outcomes: string[] = [];
      for (const [kind, body, received] of cases) {
        receiver.clear();
        https.clear();
        const result = await asOwner<NotificationTestResultDto>('POST', '/api/v1/notification-channels/test', body);
        outcomes.push(`${kind} ${result.status} ${result.body.ok} ${result.body.error} ${result.body.ok ? await received() : ''}`);
      }
      expect(outcomes).toEqual([
        'email 200 true null zpanel zpanel@example.com ops@example.com',
        `telegram 200 true null /bot${botToken}/sendMessage @zpanel_ops`,
        'ntfy 200 true null /ntfy zp-alerts Bearer tk_test_token',
        'slack 200 true null /services/T0/B0/x',
        'discord 200 true null /api/webhooks/1/x',
      ]);
      secrets.push(botToken, 'smtp pass with spaces \u00e9');
    } finally {
      await smtp.stop();
    }
  });

  it("delivers an event the worker fans out, lists it in the channel's log and pushes it to the notification centre live", async () => {
    const channel = await createWebhook('deliveries', '/deliveries');
    receiver.clear();
    const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
    try {
      const sub = await liveSubscribe<NotificationLiveEvent>(socket, { kind: 'notifications', teamId: suite.owner.teamId });
      expect(sub.result.ok).toBe(true);
      // As the recorder leaves an event whose fan-out job was lost: the worker's reaper fans it out.
      const db = new Client({ connectionString: suite.stack.databaseUrl });
      await db.connect();
      let eventId: string;
      try {
        eventId = (
          await db.query<{ id: string }>(
            `INSERT INTO notification_events (team_id, audience, kind, severity, title, message, url, occurred_at)
             VALUES ($1, 'team', 'deployment.failed', 'error', 'Deployment of shop failed', 'The health check failed.', '/applications/x', now() - interval '1 minute') RETURNING id`,
            [suite.owner.teamId],
          )
        ).rows[0].id;
      } finally {
        await db.end();
      }
      // The first test's channel is subscribed to the kind too: one request each.
      const requests = await receiver.waitFor(2, 20_000);
      const request = requests.find((r) => r.url === '/deliveries') as ReceivedRequest;
      expect(requests.map((r) => r.url).sort()).toEqual(['/deliveries', '/hook?team=ops']);
      expect(signatureValid(request, channel.signingSecret as string)).toBe(true);
      expect(JSON.parse(request.body)).toMatchObject({ id: eventId, type: 'deployment.failed', title: 'Deployment of shop failed' });

      const log = await waitFor(
        async () => {
          const page = (await asOwner<Paginated<NotificationDeliveryDto>>('GET', `/api/v1/notification-channels/${channel.id}/deliveries`)).body;
          return page.items[0]?.status === 'succeeded' ? page : undefined;
        },
        10_000,
        'the succeeded delivery',
      );
      expect(log.items).toEqual([
        expect.objectContaining({
          channelId: channel.id,
          eventId,
          eventKind: 'deployment.failed',
          title: 'Deployment of shop failed',
          attempts: 1,
          responseStatus: 200,
        }),
      ]);

      await waitFor(async () => (sub.events.some((e) => e.event.notification.id === eventId) ? true : undefined), 10_000, 'the live notification');
      expect(sub.events.find((e) => e.event.notification.id === eventId)?.event).toMatchObject({
        type: 'notification',
        notification: { id: eventId, teamId: suite.owner.teamId, title: 'Deployment of shop failed', read: false },
      });
      const centre = await asOwner<Paginated<{ id: string }>>('GET', '/api/v1/notifications?unread=true');
      expect(centre.body.items.map((n) => n.id)).toContain(eventId);
    } finally {
      socket.disconnect();
    }
  });

  it('answers 503 when the worker does not answer a test in time', async () => {
    const channel = await createWebhook('no worker', '/no-worker');
    await suite.stack.worker?.stop();
    try {
      const result = await asOwner<ProblemDetails>('POST', `/api/v1/notification-channels/${channel.id}/test`);
      expect([result.status, result.body.code]).toEqual([503, 'worker_unavailable']);
    } finally {
      await suite.stack.restartWorker();
    }
  });
});
