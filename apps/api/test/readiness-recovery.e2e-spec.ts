import { JOB_QUEUE, type JobName, type ReadinessResponse, REPEATING_JOBS, type SystemStatus } from '@zpanel/contracts';
import { QUEUE_EVENTS_MAX_LEN } from '@zpanel/queue';
import { DisposableRedis, type Stack, createOwner, startStack, waitFor } from '@zpanel/testing';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

describe('readiness when Redis goes away and comes back', () => {
  let redis: DisposableRedis;
  let stack: Stack;

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    stack = await startStack({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  const ready = async () => {
    const res = await fetch(`${stack.baseUrl}/api/ready`);
    return { status: res.status, body: (await res.json()) as ReadinessResponse };
  };
  /** Waits until /api/ready answers `status`, and gives that answer. */
  const readyAnswers = (status: number, timeoutMs: number, what: string) =>
    waitFor(
      async () => {
        const r = await ready();
        return r.status === status ? r : undefined;
      },
      timeoutMs,
      what,
    );

  it('turns 503 naming Redis within 5 s, then 200 again once Redis is back, without a restart', async () => {
    expect((await ready()).status).toBe(200);

    await redis.stop();
    const stoppedAt = Date.now();
    const down = await readyAnswers(503, 5_000, 'readiness to report Redis down');
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(down.body).toMatchObject({ status: 'unavailable', failing: ['redis'], checks: { postgres: { status: 'up' }, redis: { status: 'down' } } });
    expect(down.body.checks.redis.error).toBeTruthy();

    await redis.start();
    const up = await readyAnswers(200, 10_000, 'readiness to recover');
    expect(up.body.failing).toEqual([]);
    expect(stack.api.child.exitCode).toBeNull();
  });
});

describe('repeating jobs when Redis loses its keys', () => {
  let stack: Stack;
  let status: () => Promise<SystemStatus>;

  beforeAll(async () => {
    stack = await startStack({ worker: true, env: { WORKER_SCHEDULER_CHECK_MS: '1000' } });
    const { accessToken } = await createOwner(stack.baseUrl);
    status = async () =>
      (await (await fetch(`${stack.baseUrl}/api/v1/system/status`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as SystemStatus;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const lastRun = (s: SystemStatus, name: string) => s.repeatingJobs.find((job) => job.name === name)?.lastRunAt ?? null;
  const TICK = 'server.checks.tick';

  it('are scheduled again by the running worker after the keys are deleted, and run again', async () => {
    const names = Object.keys(REPEATING_JOBS) as JobName[];
    // The frequent ones (the hourly ones' first run may come before the API has migrated the database).
    const first = await waitFor(
      async () => {
        const s = await status();
        return lastRun(s, TICK) !== null && lastRun(s, 'deployments.reap') !== null ? s : undefined;
      },
      30_000,
      'the server checks tick and the deployments reaper to run',
    );
    expect(first.repeatingJobs.map((job) => job.name).sort()).toEqual([...names].sort());
    expect(first.repeatingJobs.filter((job) => job.overdue)).toEqual([]);

    // What a FLUSHDB or a restore of an old dump does to this instance: only this stack's keys.
    const redis = new Redis(stack.redisUrl);
    const queues = [...new Set(names.map((name) => JOB_QUEUE[name]))].map(
      (name) => new Queue(name, { connection: { url: stack.redisUrl }, prefix: stack.redisPrefix }),
    );
    try {
      let deleted = 0;
      for (let cursor = '0'; ;) {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.redisPrefix}:*`, 'COUNT', 500);
        if (keys.length > 0) deleted += await redis.del(...keys);
        cursor = next;
        if (cursor === '0') break;
      }
      expect(deleted).toBeGreaterThan(0);
      const wipedAt = new Date().toISOString();
      const schedulers = async () => (await Promise.all(queues.map((q) => q.getJobSchedulers()))).flat().map((s) => s.key);
      expect(await schedulers()).not.toContain(TICK);

      await waitFor(
        async () => {
          const keys = await schedulers();
          return names.every((name) => keys.includes(name)) ? true : undefined;
        },
        20_000,
        'the schedulers to be back',
      );
      await waitFor(async () => ((lastRun(await status(), TICK) ?? '') > wipedAt ? true : undefined), 20_000, 'the server checks tick to run again');
      // The queues' settings went with the keys too: the event streams' bound is set again.
      await waitFor(
        async () => ((await redis.hget(`${stack.redisPrefix}:system:meta`, 'opts.maxLenEvents')) === String(QUEUE_EVENTS_MAX_LEN) ? true : undefined),
        10_000,
        'the event stream bound to be set again',
      );
      expect(stack.worker?.child.exitCode).toBeNull();
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      redis.disconnect();
    }
  });

  it('shows a job that has not run for two of its periods as overdue while no worker runs', async () => {
    await stack.worker?.stop();
    // The tick runs every 5 s: with no worker it is overdue after 10 s; the hourly jobs are not.
    const overdue = await waitFor(
      async () => {
        const s = await status();
        return s.repeatingJobs.find((job) => job.name === TICK)?.overdue ? s : undefined;
      },
      30_000,
      'the server checks tick to be reported overdue',
    );
    expect(overdue.repeatingJobs.find((job) => job.name === 'metrics.retention')).toMatchObject({ overdue: false });
    expect(overdue.workers).toEqual([]);
  });
});
