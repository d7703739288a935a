import { randomBytes, randomUUID } from 'node:crypto';
import { JobName } from '@zpanel/contracts';
import { loadConfig } from '@zpanel/core';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { bullConnection } from './bull-connection';
import { PROXY_SYNC_WINDOW_MS, enqueueProxySync, proxySyncJobOptions } from './proxy-sync-jobs';

/** The window dedupe against real BullMQ (on a queue of its own, so no worker of another suite takes the jobs). */
describe(enqueueProxySync.name, () => {
  const config = loadConfig(process.env);
  const name = `proxy-sync-test-${randomBytes(4).toString('hex')}`;
  let queue: Queue;
  const producer = { enqueue: async (job: JobName, payload: object, options: object) => (await queue.add(job, payload, options)).id as string };

  beforeAll(() => {
    queue = new Queue(name, bullConnection(config));
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('names the window in the job id and delays the job to the window’s end', () => {
    const serverId = randomUUID();
    const start = 1_700_000_000_000;
    expect(proxySyncJobOptions(serverId, start)).toMatchObject({
      jobId: `proxy-sync-${serverId}-${start / PROXY_SYNC_WINDOW_MS}`,
      delay: PROXY_SYNC_WINDOW_MS,
    });
    expect(proxySyncJobOptions(serverId, start + PROXY_SYNC_WINDOW_MS - 1)).toMatchObject({
      jobId: `proxy-sync-${serverId}-${start / PROXY_SYNC_WINDOW_MS}`,
      delay: 1,
    });
    expect(proxySyncJobOptions(serverId, start + PROXY_SYNC_WINDOW_MS).jobId).toBe(`proxy-sync-${serverId}-${start / PROXY_SYNC_WINDOW_MS + 1}`);
    expect(proxySyncJobOptions(serverId, start)).toMatchObject({ attempts: 5, removeOnComplete: true });
  });

  it('turns a burst of changes into one job per window, and a later change into another; no job starts before its window ends', async () => {
    const serverId = randomUUID();
    const started: { id: string; at: number }[] = [];
    const worker = new Worker(
      name,
      async (job) => {
        started.push({ id: job.id as string, at: Date.now() });
        expect(job.name).toBe(JobName.ServerProxySync);
        expect(job.data).toEqual({ serverId });
      },
      bullConnection(config),
    );
    const events = new QueueEvents(name, bullConnection(config));
    try {
      // Start at the beginning of a window, so the burst surely stays in it.
      await new Promise((r) => setTimeout(r, PROXY_SYNC_WINDOW_MS - (Date.now() % PROXY_SYNC_WINDOW_MS) + 5));
      const first = await Promise.all(Array.from({ length: 10 }, () => enqueueProxySync(producer, serverId)));
      expect(new Set(first).size).toBe(1);
      // The window the job belongs to, read from its id: a clock read after the burst may already be in the next window on a busy machine.
      const windowEnd = (Number(first[0].split('-').at(-1)) + 1) * PROXY_SYNC_WINDOW_MS;
      await (await queue.getJob(first[0]))?.waitUntilFinished(events, 5_000);
      expect(started.map((s) => s.id)).toEqual([first[0]]);
      expect(started[0].at).toBeGreaterThanOrEqual(windowEnd);

      const later = await enqueueProxySync(producer, serverId);
      expect(later).not.toBe(first[0]);
      await (await queue.getJob(later))?.waitUntilFinished(events, 5_000);
      expect(started.map((s) => s.id)).toEqual([first[0], later]);
    } finally {
      await worker.close();
      await events.close();
    }
  });
});
