import { type CommandRunLiveEvent, JobName, LiveTopics, QueueName } from '@zpanel/contracts';
import { createLogger, loadConfig } from '@zpanel/core';
import { CommandRunEntity, buildDataSourceOptions } from '@zpanel/database';
import { type JobProducer, LiveStreams, bullConnection, createRedisClient } from '@zpanel/queue';
import { seedTeamWithServer } from '@zpanel/database/testing';
import { waitFor } from '@zpanel/testing';
import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { CommandRunsReaperHandler, WORKER_STOPPED_REASON } from './command-runs-reaper.handler';

describe(CommandRunsReaperHandler.name, () => {
  const config = loadConfig(process.env);
  let dataSource: DataSource;
  let redis: Redis;
  let live: LiveStreams;
  let queue: Queue;
  let reaper: CommandRunsReaperHandler;
  let teamId: string;
  let serverId: string;

  const runs = () => dataSource.getRepository(CommandRunEntity);
  const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000);
  const addRun = async (overrides: Partial<CommandRunEntity>) =>
    (
      await runs().save({
        teamId,
        serverId,
        userId: null,
        tokenId: null,
        actorName: 'Olive',
        command: 'uptime',
        timeoutSeconds: 300,
        status: 'queued' as const,
        output: '',
        outputTruncated: false,
        ...overrides,
      })
    ).id;
  const reload = (id: string) => runs().findOneByOrFail({ id });

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions(config.database.url, 'reaper-test'));
    await dataSource.initialize();
    redis = createRedisClient(config, 'reaper-test');
    redis.on('error', () => undefined);
    await waitFor(async () => ((await redis.ping().catch(() => undefined)) === 'PONG' ? true : undefined), 5_000, 'redis');
    live = new LiveStreams(redis, config);
    queue = new Queue(QueueName.ServerCommands, bullConnection(config));
    // The real queue under the run's prefix; only what the reaper uses of the producer.
    const producer = {
      queue: () => queue,
      enqueue: async (name: string, payload: unknown, options: object) => (await queue.add(name, payload, options)).id as string,
    } as unknown as JobProducer;
    reaper = new CommandRunsReaperHandler(dataSource, producer, live, createLogger({ level: 'silent', name: 'test' }), config);
    ({ teamId, serverId } = await seedTeamWithServer(dataSource, { team: 'reaper', server: { name: 'reaped', status: 'ready' } }));
  });
  beforeEach(async () => {
    await queue.obliterate({ force: true });
    await runs().delete({ teamId });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    await dataSource.destroy();
  });

  it('fails running runs silent for over a minute, tells their live topic, and leaves beating ones alone', async () => {
    const stale = await addRun({ status: 'running', startedAt: secondsAgo(300), heartbeatAt: secondsAgo(61) });
    const beating = await addRun({ status: 'running', startedAt: secondsAgo(300), heartbeatAt: secondsAgo(5) });

    expect(await reaper.handle({})).toEqual({ failed: 1, requeued: 0 });

    expect(await reload(stale)).toMatchObject({ status: 'failed', error: WORKER_STOPPED_REASON, exitCode: null });
    expect((await reload(stale)).finishedAt).toBeInstanceOf(Date);
    expect((await live.range(LiveTopics.commandRun(stale), '0')).map((e) => e.event as CommandRunLiveEvent)).toEqual([
      { type: 'finished', status: 'failed', exitCode: null },
    ]);
    expect(await reload(beating)).toMatchObject({ status: 'running', error: null });
  });

  it('queues again a run queued for over 30 s whose job is gone, once however often it runs', async () => {
    const lost = await addRun({ createdAt: secondsAgo(45) });
    const fresh = await addRun({ createdAt: secondsAgo(5) });

    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 1 });
    const job = await queue.getJob(lost);
    expect(job).toMatchObject({ name: JobName.ServerCommand, data: { runId: lost }, opts: expect.objectContaining({ attempts: 1 }) });
    expect(await queue.getJob(fresh)).toBeUndefined();

    // Its job waits now: the next pass leaves it be.
    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 0 });
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('replaces a failed job of a run still queued (the job failed before it claimed the row)', async () => {
    const id = await addRun({ createdAt: secondsAgo(45) });
    await queue.add(JobName.ServerCommand, { runId: id }, { jobId: id, attempts: 1 });
    // A worker whose handler fails before it gets to the row.
    const worker = new Worker(QueueName.ServerCommands, async () => Promise.reject(new Error('database was down')), bullConnection(config));
    try {
      await waitFor(async () => ((await (await queue.getJob(id))?.getState()) === 'failed' ? true : undefined), 10_000, 'the job to fail');
    } finally {
      await worker.close();
    }

    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 1 });
    expect(await (await queue.getJob(id))?.getState()).toBe('waiting');
  });

  it('touches no finished run', async () => {
    const done = await addRun({ status: 'succeeded', createdAt: secondsAgo(600), heartbeatAt: secondsAgo(600), exitCode: 0 });
    expect(await reaper.handle({})).toEqual({ failed: 0, requeued: 0 });
    expect(await reload(done)).toMatchObject({ status: 'succeeded', exitCode: 0 });
  });
});
