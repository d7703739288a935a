import { randomUUID } from 'node:crypto';
import { JobName, QueueName } from '@zpanel/contracts';
import { SecretBox, loadConfig, newSigningSecret } from '@zpanel/core';
import { NotificationDeliveryEntity, NotificationEventsRepository, buildDataSourceOptions } from '@zpanel/database';
import { seedNotificationChannel } from '@zpanel/database/testing';
import { type JobProducer, bullConnection, enqueueNotificationFanout } from '@zpanel/queue';
import { HttpReceiver, type RunningProcess, createOwner, startStack, type Stack, waitFor } from '@zpanel/testing';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

/** Events recorded before the kill (more than the worker's 20 concurrent notification jobs, so some wait in the queue). */
const BEFORE_KILL = 30;
/** Events recorded while no worker runs: their fan-out jobs wait in Redis. */
const WHILE_DEAD = 5;

/**
 * "A crash of the worker loses no notification that was queued" with the built worker as a real
 * process (docs/notifications.md "Delivery", crash safety): events are recorded as a run records
 * them (the row, then its fan-out queued), the receiver holds every request without answering, and
 * the worker is killed with SIGKILL while 20 attempts are in flight and more wait in the queue.
 * More events are recorded while it is dead. Once a new worker runs, every event is accepted by the
 * receiver exactly once: the requests the kill cut were never answered, and their deliveries are
 * sent again (a second attempt) after their claim's lease; nothing is answered twice.
 */
describe('notifications survive a killed worker (built api + worker)', () => {
  let stack: Stack;
  let receiver: HttpReceiver;
  let dataSource: DataSource;
  let queue: Queue;
  let signingSecret: string;
  const killedWorkers: RunningProcess[] = [];

  beforeAll(async () => {
    stack = await startStack({
      worker: true,
      env: {
        NOTIFICATIONS_RETRY_BASE_MS: '200',
        NOTIFICATIONS_REAP_MS: '500',
        NOTIFICATIONS_TIMEOUT_MS: '8000',
        LOG_LEVEL: 'debug',
      },
    });
    receiver = await HttpReceiver.start();
    dataSource = new DataSource(buildDataSourceOptions(stack.databaseUrl, 'notifications-crash'));
    await dataSource.initialize();
    queue = new Queue(QueueName.Notifications, bullConnection(loadConfig(stack.env)));
  });
  afterAll(async () => {
    await queue?.close();
    await dataSource?.destroy();
    await receiver?.close();
    await stack?.stop();
  });

  it('delivers every queued notification exactly once to a receiver after a SIGKILL of the worker mid-delivery', async () => {
    const { teamId } = await createOwner(stack.baseUrl);
    const box = new SecretBox(loadConfig(stack.env).security.secretKey);
    signingSecret = newSigningSecret();
    const { id: channelId } = await seedNotificationChannel(dataSource, box, teamId, {
      kind: 'webhook',
      name: 'crash hook',
      settings: { url: receiver.url('/crash') },
      secrets: { signingSecret },
      events: ['deployment.failed'],
    });

    // As Notifier records: the row, then its fan-out job.
    const events = new NotificationEventsRepository(dataSource.manager);
    const producer = {
      enqueue: async (name: JobName, payload: object, options: object) => (await queue.add(name, payload, options)).id,
    } as unknown as JobProducer;
    const recordEvent = async (i: number) => {
      const event = await events.record({
        teamId,
        kind: 'deployment.failed',
        severity: 'error',
        title: `Deployment ${i} of api failed`,
        message: 'The build failed.',
        url: `/deployments/${randomUUID()}`,
      });
      await enqueueNotificationFanout(producer, event.id);
      return event.id;
    };

    // Phase 1: the receiver takes every request and never answers.
    receiver.respond = () => ({ status: 200, delayMs: 10_000 });
    const recorded: string[] = [];
    for (let i = 1; i <= BEFORE_KILL; i += 1) recorded.push(await recordEvent(i));
    await receiver.waitFor(20, 30_000);

    const worker = stack.worker as RunningProcess;
    worker.child.kill('SIGKILL');
    await worker.exited;
    killedWorkers.push(worker);
    const cut = receiver.received.map((r) => JSON.parse(r.body).id as string);
    for (let i = 1; i <= WHILE_DEAD; i += 1) recorded.push(await recordEvent(BEFORE_KILL + i));

    // Phase 2: a new worker, and a receiver that accepts at once.
    const accepted: string[] = [];
    receiver.respond = (request) => {
      accepted.push(JSON.parse(request.body).id);
      return { status: 200 };
    };
    await stack.restartWorker();

    const deliveries = dataSource.getRepository(NotificationDeliveryEntity);
    await waitFor(
      async () => ((await deliveries.countBy({ channelId, status: 'succeeded' })) === recorded.length ? true : undefined),
      120_000,
      `all ${recorded.length} deliveries to succeed`,
      250,
    );
    process.stdout.write(
      `notifications crash: ${cut.length} attempts cut by the kill, ${receiver.received.length} requests in all for ${recorded.length} events\n`,
    );

    // Exactly once accepted, every event.
    expect([...accepted].sort()).toEqual([...recorded].sort());
    expect(new Set(accepted).size).toBe(recorded.length);
    // Every attempt is one request: the attempts a delivery records are the requests the receiver got
    // for its event. Those cut by the kill were sent again (at least a second attempt); nothing else
    // was tried twice, since the receiver accepted every later request at once.
    const rows = await deliveries.findBy({ channelId });
    expect(rows).toHaveLength(recorded.length);
    const requestsFor = (eventId: string) => receiver.received.filter((r) => JSON.parse(r.body).id === eventId).length;
    const cutSet = new Set(cut);
    expect(cutSet.size).toBeGreaterThanOrEqual(20);
    for (const row of rows) {
      expect({ event: row.eventId, attempts: row.attempts }).toEqual({ event: row.eventId, attempts: requestsFor(row.eventId) });
      expect(row.attempts).toBe(cutSet.has(row.eventId) ? cut.filter((id) => id === row.eventId).length + 1 : 1);
    }

    // No secret in either worker's log (it logged at debug level).
    for (const output of [...killedWorkers, stack.worker as RunningProcess].map((w) => w.output())) {
      expect(output).not.toContain(signingSecret);
      expect(output).not.toMatch(/v1\.[0-9a-f]{12}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\./);
    }
  }, 240_000);
});
