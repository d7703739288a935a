import { type CommandRunLiveEvent, JobName, LiveTopics, QueueName } from '@zpanel/contracts';
import { createLogger, loadConfig } from '@zpanel/core';
import { type CommandRunEntity, CommandRunsRepository, teamScope } from '@zpanel/database';
import { bullConnection } from '@zpanel/queue';
import { seedCommandRun, seedTeamWithServer } from '@zpanel/database/testing';
import { waitFor } from '@zpanel/testing';
import { Queue, Worker } from 'bullmq';
import { queueProducer, useWorkerStores } from '../worker-stores.testing';
import { CommandRunsReaperHandler, WORKER_STOPPED_REASON } from './command-runs-reaper.handler';

describe(CommandRunsReaperHandler.name, () => {
  const config = loadConfig(process.env);
  const stores = useWorkerStores(config, 'reaper-test');
  let queue: Queue;
  let reaper: CommandRunsReaperHandler;
  let teamId: string;
  let serverId: string;

  const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000);
  const addRun = (overrides: Partial<CommandRunEntity>) => seedCommandRun(stores.dataSource, { teamId, serverId }, overrides);
  const reload = (id: string) => new CommandRunsRepository(stores.dataSource.manager).get(teamScope(teamId), id);

  beforeAll(async () => {
    queue = new Queue(QueueName.ServerCommands, bullConnection(config));
    reaper = new CommandRunsReaperHandler(
      stores.dataSource,
      queueProducer(queue),
      stores.live,
      createLogger({ level: 'silent', name: 'test' }),
      config,
    );
    ({ teamId, serverId } = await seedTeamWithServer(stores.dataSource, { team: 'reaper', server: { name: 'reaped', status: 'ready' } }));
  });
  beforeEach(async () => {
    await queue.obliterate({ force: true });
    await stores.dataSource.query(`DELETE FROM "command_runs" WHERE "team_id" = $1`, [teamId]);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('fails running runs silent for over a minute, tells their live topic, and leaves beating ones alone', async () => {
    const stale = await addRun({ status: 'running', startedAt: secondsAgo(300), heartbeatAt: secondsAgo(61) });
    const beating = await addRun({ status: 'running', startedAt: secondsAgo(300), heartbeatAt: secondsAgo(5) });

    expect(await reaper.handle({})).toEqual({ failed: 1, requeued: 0 });

    expect(await reload(stale)).toMatchObject({ status: 'failed', error: WORKER_STOPPED_REASON, exitCode: null });
    expect((await reload(stale)).finishedAt).toBeInstanceOf(Date);
    expect((await stores.live.range(LiveTopics.commandRun(stale), '0')).map((e) => e.event as CommandRunLiveEvent)).toEqual([
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
