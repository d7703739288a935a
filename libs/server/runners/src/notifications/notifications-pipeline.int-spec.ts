import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  LiveTopics,
  NOTIFICATION_EVENT_KINDS,
  NOTIFICATION_LIMITS,
  type NotificationEventKind,
  type NotificationLiveEvent,
  type NotificationWebhookBody,
} from '@zpanel/contracts';
import { type AppConfig, loadConfig, newSigningSecret } from '@zpanel/core';
import {
  InstanceEntity,
  type NotificationChannelEntity,
  NotificationChannelEntity as ChannelRows,
  NotificationDeliveryEntity,
  NotificationEventEntity,
  type NotificationEventInput,
  TeamEntity,
  TeamMemberEntity,
  UserEntity,
  buildDataSourceOptions,
  instanceSmtpPasswordAad,
  notificationChannelSecretsAad,
  runMigrationsWithLock,
} from '@zpanel/database';
import { createScratchDatabase, seedEnvironment, seedNotificationChannel } from '@zpanel/database/testing';
import { NotificationSenders, SmtpMailer } from '@zpanel/remote';
import { HttpReceiver, TestSmtpServer, waitFor } from '@zpanel/testing';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { NO_SMTP_REASON } from './mail-send.handler';
import { type NotificationsWorld, openNotificationsWorld } from './notifications.testing';

/**
 * The notification pipeline against the real parts: Postgres (a scratch database, so the instance
 * row's public URL and SMTP settings are this file's own), Redis (a key prefix of its own), the
 * production handlers consuming the notifications queue through BullMQ, the real senders (@zpanel/remote)
 * and local receivers on 127.0.0.1 (an HTTP one, a real SMTP server). Retry periods are short.
 */
describe('notification pipeline (real Postgres, Redis, senders and receivers)', () => {
  const RETRY_BASE_MS = 100;
  const GROUP_WINDOW_MS = 60_000;
  const PUBLIC_URL = 'https://zpanel.example.test';
  const base = loadConfig(process.env);
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  /** Every secret value the channels of this file hold: none may reach a log line. */
  const secretValues: string[] = [];

  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let world: NotificationsWorld;
  /** The same pipeline whose senders apply the default address policy (loopback refused). */
  let strict: NotificationsWorld;
  let receiver: HttpReceiver;
  let teamId: string;
  let ownerId: string;
  let workspace: { projectId: string; environmentId: string };
  let other: { projectId: string; environmentId: string };

  const db = () => world.stores.dataSource;
  const configWith = (overrides: Partial<AppConfig['notifications']>, network: Partial<AppConfig['network']> = {}): AppConfig => ({
    ...base,
    database: { ...base.database, url: database.url },
    notifications: { ...base.notifications, retryBaseMs: RETRY_BASE_MS, groupWindowMs: GROUP_WINDOW_MS, timeoutMs: 3_000, reapMs: 500, ...overrides },
    network: { ...base.network, ...network },
  });

  beforeAll(async () => {
    database = await createScratchDatabase();
    const migrate = new DataSource(buildDataSourceOptions(database.url, 'notifications-migrate'));
    await migrate.initialize();
    await runMigrationsWithLock(migrate);
    await migrate.destroy();

    const loopback = configWith({}, { allowedCidrs: ['127.0.0.1/32'] });
    world = await openNotificationsWorld(loopback, 'notif', {
      sender: NotificationSenders.fromConfig(loopback),
      mailer: SmtpMailer.fromConfig(loopback),
      logger,
    });
    const defaultPolicy = configWith({}, { allowedCidrs: [] });
    strict = await openNotificationsWorld(defaultPolicy, 'notif-strict', {
      sender: NotificationSenders.fromConfig(defaultPolicy),
      mailer: SmtpMailer.fromConfig(defaultPolicy),
      logger,
    });
    world.startConsuming();
    strict.startConsuming();
    receiver = await HttpReceiver.start();

    teamId = (await db().getRepository(TeamEntity).save({ name: 'Night shift' })).id;
    workspace = await seedEnvironment(db(), { teamId }, 'shop');
    other = await seedEnvironment(db(), { teamId }, 'blog');
    ownerId = (
      await db()
        .getRepository(UserEntity)
        .save({ email: `owner-${randomUUID()}@example.test`, name: 'Owner', passwordHash: 'x', passwordChangedAt: new Date() })
    ).id;
    await db()
      .getRepository(TeamMemberEntity)
      .insert({ teamId, userId: ownerId, role: 'owner' } as never);
    await db().query(`UPDATE "instance" SET "public_url" = $1`, [PUBLIC_URL]);
  });
  afterEach(async () => {
    // Each test's channels end with it, so no later test's events reach them.
    await db().query(`UPDATE "notification_channels" SET "enabled" = false`);
    receiver.clear();
  });
  afterAll(async () => {
    await receiver?.close();
    await strict?.close();
    await world?.close();
    await database?.drop();
  });

  /** A generic webhook channel to the receiver at `path`, with a signing secret. */
  const webhookChannel = async (
    path: string,
    subscription: { events: readonly NotificationEventKind[]; projectIds?: string[] | null; environmentIds?: string[] | null },
    into: NotificationsWorld = world,
  ) => {
    const signingSecret = newSigningSecret();
    secretValues.push(signingSecret);
    const channel = await seedNotificationChannel(into.stores.dataSource, into.box, teamId, {
      kind: 'webhook',
      settings: { url: receiver.url(path) },
      secrets: { signingSecret },
      ...subscription,
    });
    return { channel, signingSecret };
  };

  /** Records an event as a run does (Notifier: the row, then its fan-out queued) and waits until it is fanned out. */
  const record = async (input: Partial<NotificationEventInput> & Pick<NotificationEventInput, 'kind'>, through: NotificationsWorld = world) => {
    const event = await through.notifier.notify({
      teamId,
      severity: 'error',
      title: `Something: ${input.kind}`,
      message: 'What happened, and why.',
      projectId: workspace.projectId,
      environmentId: workspace.environmentId,
      ...input,
    });
    if (!event) throw new Error('the event was not recorded');
    await waitFor(
      async () => ((await events().findOneByOrFail({ id: event.id })).fannedOutAt ? true : undefined),
      10_000,
      `event ${event.kind} to be fanned out`,
      20,
    );
    return event;
  };
  const events = () => db().getRepository(NotificationEventEntity);
  const deliveries = () => db().getRepository(NotificationDeliveryEntity);
  const deliveryOf = (channel: NotificationChannelEntity, eventId: string) => deliveries().findOneBy({ channelId: channel.id, eventId });
  /** Waits until the delivery is finished (not queued or retrying) and gives it. */
  const finished = (channel: NotificationChannelEntity, eventId: string, timeoutMs = 15_000) =>
    waitFor(
      async () => {
        const row = await deliveryOf(channel, eventId);
        return row && !['queued', 'retrying'].includes(row.status) ? row : undefined;
      },
      timeoutMs,
      'the delivery to finish',
      20,
    );
  const bodiesAt = (path: string) => receiver.received.filter((r) => r.url === path).map((r) => JSON.parse(r.body) as NotificationWebhookBody);

  it('delivers every event kind to a subscribed channel with its content, signed, linked to the public URL, and pushes it live to the team', async () => {
    const { channel, signingSecret } = await webhookChannel('/all', { events: NOTIFICATION_EVENT_KINDS });
    const recorded = new Map<string, NotificationEventEntity>();
    for (const kind of NOTIFICATION_EVENT_KINDS) {
      const subjectId = randomUUID();
      const event = await record({
        kind,
        severity: kind.endsWith('failed') ? 'error' : 'info',
        title: `Title of ${kind}`,
        message: `Message of ${kind}: "quoted" <b>not html</b> & more`,
        url: `/things/${subjectId}`,
        subject: { type: 'deployment', id: subjectId, name: `subject ${kind}` },
        data: { kind, count: 3, flag: true, none: null },
      });
      recorded.set(event.id, event);
    }
    await receiver.waitFor(NOTIFICATION_EVENT_KINDS.length, 20_000);

    const verifier = new Webhook(signingSecret);
    const requests = receiver.received.filter((r) => r.url === '/all');
    expect(requests).toHaveLength(NOTIFICATION_EVENT_KINDS.length);
    for (const request of requests) {
      // Verified with the standardwebhooks package, independently of Zpanel's own signing code.
      expect(() => verifier.verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    }
    const bodies = requests.map((r) => JSON.parse(r.body) as NotificationWebhookBody);
    expect(bodies.map((b) => b.type).sort()).toEqual([...NOTIFICATION_EVENT_KINDS].sort());
    for (const body of bodies) {
      const event = recorded.get(body.id) as NotificationEventEntity;
      expect(requests.find((r) => JSON.parse(r.body).id === body.id)?.headers['webhook-id']).toBe(event.id);
      expect(body).toEqual({
        version: 1,
        id: event.id,
        type: event.kind,
        occurredAt: event.occurredAt.toISOString(),
        severity: event.severity,
        title: `Title of ${event.kind}`,
        message: `Message of ${event.kind}: "quoted" <b>not html</b> & more`,
        url: `${PUBLIC_URL}${event.url}`,
        team: { id: teamId, name: 'Night shift' },
        project: { id: workspace.projectId, name: 'shop' },
        environment: { id: workspace.environmentId, name: 'production' },
        subject: { type: 'deployment', id: event.subjectId, name: `subject ${event.kind}` },
        data: { kind: event.kind, count: 3, flag: true, none: null },
      });
    }
    for (const id of recorded.keys()) {
      expect(await finished(channel, id)).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 200, lastError: null });
    }
    const health = await db().getRepository(ChannelRows).findOneByOrFail({ id: channel.id });
    expect(health).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    expect(health.lastDeliveryAt).not.toBeNull();

    const live = await world.stores.live.range(LiveTopics.teamNotifications(teamId), '0');
    const pushed = live.map((entry) => (entry.event as NotificationLiveEvent).notification);
    for (const event of recorded.values()) {
      expect(pushed).toContainEqual(
        expect.objectContaining({ id: event.id, teamId, kind: event.kind, url: `${PUBLIC_URL}${event.url}`, read: false }),
      );
    }
  });

  it('sends nothing for a kind the channel is not subscribed to, nor for a project or environment its filters leave out', async () => {
    const { channel: byProject } = await webhookChannel('/project', { events: ['deployment.failed'], projectIds: [workspace.projectId] });
    const { channel: byEnvironment } = await webhookChannel('/environment', { events: ['deployment.failed'], environmentIds: [other.environmentId] });
    const { channel: disabled } = await webhookChannel('/disabled', { events: ['deployment.failed'] });
    await db().getRepository(ChannelRows).update({ id: disabled.id }, { enabled: false });

    const unsubscribed = await record({ kind: 'deployment.succeeded' });
    const inOther = await record({ kind: 'deployment.failed', projectId: other.projectId, environmentId: other.environmentId });
    const inShop = await record({ kind: 'deployment.failed' });
    const noProject = await record({ kind: 'deployment.failed', projectId: null, environmentId: null });

    expect((await finished(byProject, inShop.id)).status).toBe('succeeded');
    expect((await finished(byEnvironment, inOther.id)).status).toBe('succeeded');
    for (const [channel, event] of [
      [byProject, unsubscribed],
      [byProject, inOther],
      [byProject, noProject],
      [byEnvironment, unsubscribed],
      [byEnvironment, inShop],
      [byEnvironment, noProject],
      [disabled, inShop],
    ] as const) {
      expect(await deliveryOf(channel, event.id)).toBeNull();
    }
    expect(bodiesAt('/project').map((b) => b.id)).toEqual([inShop.id]);
    expect(bodiesAt('/environment').map((b) => b.id)).toEqual([inOther.id]);
    expect(bodiesAt('/disabled')).toEqual([]);
  });

  it('retries a receiver that fails twice (500) after the backoff, then succeeds on the third attempt', async () => {
    const { channel } = await webhookChannel('/flaky', { events: ['backup.failed'] });
    receiver.answerNext({ status: 500, body: 'boom' }, { status: 500, body: 'boom again' });
    const event = await record({ kind: 'backup.failed' });

    expect(await finished(channel, event.id)).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      responseStatus: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    const tries = receiver.received.filter((r) => r.url === '/flaky');
    expect(tries.map((r) => JSON.parse(r.body).id)).toEqual([event.id, event.id, event.id]);
    // The backoff: the base, then twice the base, between the attempts (lower bounds: a delayed job never runs early).
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(RETRY_BASE_MS);
    expect(tries[2].at - tries[1].at).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
  });

  it("honours a 429's Retry-After over the backoff", async () => {
    const { channel } = await webhookChannel('/limited', { events: ['backup.missed'] });
    receiver.answerNext({ status: 429, headers: { 'retry-after': '1' } });
    const event = await record({ kind: 'backup.missed' });

    const retrying = await waitFor(
      async () => {
        const row = await deliveryOf(channel, event.id);
        return row?.status === 'retrying' ? row : undefined;
      },
      10_000,
      'the delivery to wait for its retry',
      20,
    );
    expect(retrying).toMatchObject({ attempts: 1, responseStatus: 429 });
    expect(await finished(channel, event.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    const tries = receiver.received.filter((r) => r.url === '/limited');
    expect(tries).toHaveLength(2);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(1_000);
  });

  it('does not retry a 400: failed after one attempt, with the status and the error recorded', async () => {
    const { channel } = await webhookChannel('/bad', { events: ['server.unreachable'] });
    receiver.answerNext({ status: 400, body: 'unknown field' });
    const event = await record({ kind: 'server.unreachable' });

    const row = await finished(channel, event.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 400, nextAttemptAt: null });
    expect(row.lastError).toMatch(/400/);
    expect(row.finishedAt).not.toBeNull();
    // Long enough for several retries at the test's base, had one been queued.
    await new Promise((resolve) => setTimeout(resolve, 10 * RETRY_BASE_MS));
    expect(receiver.received.filter((r) => r.url === '/bad')).toHaveLength(1);
    expect((await deliveryOf(channel, event.id))?.attempts).toBe(1);
  });

  it('fails, without a request, a delivery to an address the policy refuses at send time', async () => {
    const { channel } = await webhookChannel('/refused', { events: ['alert.fired'] }, strict);
    const event = await record({ kind: 'alert.fired' }, strict);

    const row = await finished(channel, event.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, responseStatus: null });
    expect(row.lastError).toMatch(/does not connect to/);
    expect(receiver.received.filter((r) => r.url === '/refused')).toEqual([]);
  });

  it(`marks a channel failing after ${NOTIFICATION_LIMITS.failingAfter} final failures in a row, tells the owners, and clears it on the next success`, async () => {
    const { channel } = await webhookChannel('/down', { events: ['database.unhealthy'] });
    const channels = db().getRepository(ChannelRows);
    const notices = (kind: string) => events().findBy({ teamId, kind: kind as never, subjectId: channel.id });
    receiver.respond = () => ({ status: 404, body: 'no such hook' });
    for (let i = 1; i <= NOTIFICATION_LIMITS.failingAfter; i += 1) {
      const event = await record({ kind: 'database.unhealthy' });
      expect((await finished(channel, event.id)).status).toBe('failed');
      const row = await channels.findOneByOrFail({ id: channel.id });
      expect(row.consecutiveFailures).toBe(i);
      if (i < NOTIFICATION_LIMITS.failingAfter) {
        expect(row.failingSince).toBeNull();
        expect(await notices('channel.failing')).toEqual([]);
      } else {
        expect(row.failingSince).not.toBeNull();
      }
    }
    const [failing, ...more] = await notices('channel.failing');
    expect(more).toEqual([]);
    expect(failing).toMatchObject({
      audience: 'owners',
      teamId,
      userId: null,
      severity: 'error',
      subjectType: 'channel',
      subjectName: channel.name,
      url: `/notifications/channels/${channel.id}`,
    });
    // A notice to owners goes to no channel, and live to each owner.
    await waitFor(async () => ((await events().findOneByOrFail({ id: failing.id })).fannedOutAt ? true : undefined), 10_000, 'the notice fan-out');
    expect(await deliveries().countBy({ eventId: failing.id })).toBe(0);
    // Pushed live after the fan-out commits.
    const pushed = await waitFor(
      async () => {
        const feed = await world.stores.live.range(LiveTopics.userNotifications(ownerId), '0');
        return feed.map((e) => (e.event as NotificationLiveEvent).notification).find((n) => n.id === failing.id);
      },
      10_000,
      "the notice in the owner's live feed",
    );
    expect(pushed).toMatchObject({ kind: 'channel.failing', url: `${PUBLIC_URL}/notifications/channels/${channel.id}`, read: false });

    // One more failure: still failing, no second notice.
    const fourth = await record({ kind: 'database.unhealthy' });
    expect((await finished(channel, fourth.id)).status).toBe('failed');
    expect(await notices('channel.failing')).toHaveLength(1);

    receiver.respond = () => ({ status: 204 });
    const back = await record({ kind: 'database.unhealthy' });
    expect((await finished(channel, back.id)).status).toBe('succeeded');
    expect(await channels.findOneByOrFail({ id: channel.id })).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    // Recorded right after the success.
    const recovered = await waitFor(
      async () => ((await notices('channel.recovered')).length ? notices('channel.recovered') : undefined),
      10_000,
      'the recovery notice',
    );
    expect(recovered).toEqual([expect.objectContaining({ audience: 'owners', severity: 'success' })]);
  });

  it('groups a flapping alert: one "fired" and one "resolved" per rule within the window, other rules and later events sent', async () => {
    const { channel } = await webhookChannel('/alerts', { events: ['alert.fired', 'alert.resolved'] });
    const groupKey = `alert-rule:${randomUUID()}`;
    const start = Date.now();
    const at = (seconds: number) => new Date(start + seconds * 1_000);
    const flaps = [];
    for (const [i, kind] of (['alert.fired', 'alert.resolved', 'alert.fired', 'alert.resolved', 'alert.fired'] as const).entries()) {
      flaps.push(await record({ kind, groupKey, occurredAt: at(i * 5) }));
    }
    const otherRule = await record({ kind: 'alert.fired', groupKey: `alert-rule:${randomUUID()}`, occurredAt: at(26) });
    const afterWindow = await record({ kind: 'alert.fired', groupKey, occurredAt: at(GROUP_WINDOW_MS / 1_000 + 1) });

    const statuses = [];
    for (const event of [...flaps, otherRule, afterWindow]) statuses.push((await finished(channel, event.id)).status);
    expect(statuses).toEqual(['succeeded', 'succeeded', 'grouped', 'grouped', 'grouped', 'succeeded', 'succeeded']);
    const sent = bodiesAt('/alerts');
    expect(sent.map((b) => b.id).sort()).toEqual([flaps[0].id, flaps[1].id, otherRule.id, afterWindow.id].sort());
    const grouped = await deliveryOf(channel, flaps[2].id);
    expect(grouped).toMatchObject({ attempts: 0, nextAttemptAt: null });
    expect(grouped?.finishedAt).not.toBeNull();
  });

  it('fans out an event whose fan-out job was lost, and queues again a delivery whose job was lost, each delivered once', async () => {
    const { channel } = await webhookChannel('/lost', { events: ['restore.finished'] });
    // An event recorded without its job (a crash between the insert and the enqueue, or Redis lost it).
    const orphan = await world.notifier.notify(
      { teamId, kind: 'restore.finished', severity: 'success', title: 'Restore finished', message: 'ok', occurredAt: new Date(Date.now() - 60_000) },
      db().manager,
    );
    if (!orphan) throw new Error('not recorded');
    // Not yet older than the grace: left alone.
    expect((await world.reaper.run(new Date(orphan.occurredAt.getTime() + 1))).fannedOut).toBe(0);
    expect((await world.reaper.run(new Date())).fannedOut).toBe(1);
    expect((await finished(channel, orphan.id)).status).toBe('succeeded');

    // A delivery whose job Redis lost: fanned out while nothing consumes, then its job removed.
    await world.stopConsuming();
    const event = await world.notifier.notify({ teamId, kind: 'restore.finished', severity: 'success', title: 'Restore finished', message: 'again' });
    if (!event) throw new Error('not recorded');
    expect(await world.fanout.handle({ eventId: event.id })).toEqual({ deliveries: 1, grouped: 0 });
    const waiting = await deliveryOf(channel, event.id);
    if (!waiting?.nextAttemptAt) throw new Error('no delivery due');
    // Its job is there: the reaper leaves it, even when due long ago.
    expect((await world.reaper.run(new Date(Date.now() + 60_000))).requeued).toBe(0);
    expect(await world.queue.remove(`deliver-${waiting.id}-1`)).toBe(1);
    // Gone, but not due for longer than the grace yet: left alone.
    expect((await world.reaper.run(new Date(waiting.nextAttemptAt.getTime() + 1))).requeued).toBe(0);
    expect((await world.reaper.run(new Date(Date.now() + 60_000))).requeued).toBe(1);
    world.startConsuming();
    expect(await finished(channel, event.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(
      bodiesAt('/lost')
        .map((b) => b.id)
        .sort(),
    ).toEqual([orphan.id, event.id].sort());
  });

  it('prunes deliveries and events older than the retention, in batches', async () => {
    const old = new Date(Date.now() - (base.notifications.retentionDays + 1) * 86_400_000);
    const { channel } = await webhookChannel('/old', { events: ['preview.removed'] });
    const oldEvent = await record({ kind: 'preview.removed', occurredAt: old });
    await finished(channel, oldEvent.id);
    await db().query(`UPDATE "notification_deliveries" SET "created_at" = $1 WHERE "event_id" = $2`, [old, oldEvent.id]);
    const recent = await record({ kind: 'preview.removed' });
    await finished(channel, recent.id);

    const result = await world.reaper.run(new Date(), { prune: true });
    expect(result.pruned).toBeGreaterThanOrEqual(2);
    expect(await events().findOneBy({ id: oldEvent.id })).toBeNull();
    expect(await deliveryOf(channel, oldEvent.id)).toBeNull();
    expect(await deliveryOf(channel, recent.id)).not.toBeNull();
  });

  it('answers "Send test" with the receiver\'s status or its error in words, never throwing', async () => {
    const signingSecret = newSigningSecret();
    secretValues.push(signingSecret);
    const aad = `notification-test:${randomUUID()}`;
    const job = {
      teamId,
      channelName: 'ops hook',
      kind: 'webhook' as const,
      settings: { url: receiver.url('/test') },
      sealedSecrets: world.box.seal(JSON.stringify({ signingSecret }), aad),
      secretsAad: aad,
    };
    const ctx = { jobId: 't', attempt: 1, signal: new AbortController().signal };
    const ok = await world.test.handle(job, ctx);
    expect(ok).toMatchObject({ ok: true, status: 200, error: null });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    expect(bodiesAt('/test')).toEqual([
      expect.objectContaining({ type: 'test', team: { id: teamId, name: 'Night shift' }, url: `${PUBLIC_URL}/notifications/channels` }),
    ]);

    receiver.answerNext({ status: 500, body: 'down for maintenance' });
    const failed = await world.test.handle(job, ctx);
    expect(failed).toMatchObject({ ok: false, status: 500 });
    expect(failed.error).toMatch(/500/);

    expect(await world.test.handle({ ...job, secretsAad: 'another purpose' }, ctx)).toMatchObject({
      ok: false,
      status: null,
      error: expect.stringMatching(/secrets/),
    });
    expect(await strict.test.handle(job, ctx)).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/does not connect to/) });
  });

  it('sends an email through the instance SMTP settings (mail.send), and says so when none are set', async () => {
    const smtp = await TestSmtpServer.start({ users: { mailer: 'smtp-pass-word' } });
    secretValues.push('smtp-pass-word');
    const instance = db().getRepository(InstanceEntity);
    const [row] = await instance.find({ take: 1 });
    try {
      const aad = `mail:${randomUUID()}`;
      const job = {
        sealedMessage: world.box.seal(
          JSON.stringify({ to: 'ada@example.test', subject: 'Reset your password', text: 'The link: https://x/reset#zpr_abc' }),
          aad,
        ),
        aad,
      };
      const ctx = { jobId: 'm', attempt: 1, signal: new AbortController().signal };
      expect(await world.mail.handle(job, ctx)).toEqual({ sent: false, reason: NO_SMTP_REASON });

      await instance.update(
        { id: row.id },
        {
          smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: 'mailer', from: 'zpanel@example.test' },
          smtpPassword: world.box.seal('smtp-pass-word', instanceSmtpPasswordAad(row.id)),
        },
      );
      expect(await world.mail.handle(job, ctx)).toEqual({ sent: true });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]).toMatchObject({ from: 'zpanel@example.test', to: ['ada@example.test'], username: 'mailer' });
      expect(smtp.received[0].raw).toContain('Subject: Reset your password');
      expect(smtp.received[0].raw).toContain('zpr_abc');
    } finally {
      await instance.update({ id: row.id }, { smtp: null, smtpPassword: null });
      await smtp.stop();
    }
  });

  it('never writes a secret to the log', async () => {
    // A Slack channel: its URL is the secret; failing then succeeding, so error paths log too.
    const token = randomBytes(12).toString('hex');
    secretValues.push(token);
    const slack = await seedNotificationChannel(db(), world.box, teamId, {
      kind: 'slack',
      secrets: { webhookUrl: receiver.url(`/services/T0/B0/${token}`) },
      events: ['server.host_key_changed'],
    });
    receiver.answerNext({ status: 503, body: `echoing ${token}` }, { status: 400, body: `invalid_token ${token}` });
    const first = await record({ kind: 'server.host_key_changed' });
    expect((await finished(slack, first.id)).status).toBe('failed');
    const second = await record({ kind: 'server.host_key_changed' });
    expect((await finished(slack, second.id)).status).toBe('succeeded');
    expect((await deliveryOf(slack, first.id))?.lastError ?? '').not.toContain(token);

    const log = logLines.join('');
    expect(log).toContain('notification delivery attempt failed');
    for (const secret of secretValues) expect(log).not.toContain(secret);
    expect(log).not.toContain('/services/T0/B0/');
    expect(log).not.toMatch(/v1\.[0-9a-f]{12}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\./);
    const sealed = await db()
      .getRepository(ChannelRows)
      .createQueryBuilder('c')
      .select('c.secrets', 'secrets')
      .where('c.id = :id', { id: slack.id })
      .getRawOne();
    expect(world.box.open(sealed.secrets, notificationChannelSecretsAad(slack.id))).toContain(token);
  });
});
