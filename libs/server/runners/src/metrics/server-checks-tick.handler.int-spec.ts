import { randomUUID } from 'node:crypto';
import { JobName, type JobPayload } from '@zpanel/contracts';
import { loadConfig } from '@zpanel/core';
import { ServerEntity, ServersRepository, buildDataSourceOptions, teamScope } from '@zpanel/database';
import type { JobProducer } from '@zpanel/queue';
import { type SeededTeam, seedServer, seedTeamWithServer } from '@zpanel/database/testing';
import type { JobsOptions } from 'bullmq';
import { DataSource, In } from 'typeorm';
import { ServerChecksTickHandler } from './server-checks-tick.handler';

/** The scheduler's claim against the run's real Postgres (the queue is recorded, not run). */
describe(ServerChecksTickHandler.name, () => {
  const config = loadConfig({ ...process.env, SERVER_CHECK_INTERVAL_SECONDS: '60' });
  let dataSource: DataSource;
  let team: SeededTeam;
  const queued: { serverId: string; jobId?: string }[] = [];
  const producer = {
    enqueue: async (name: JobName, payload: JobPayload<JobName.ServerCheck>, options: JobsOptions) => {
      expect(name).toBe(JobName.ServerCheck);
      queued.push({ serverId: payload.serverId, jobId: options.jobId });
      return options.jobId ?? '';
    },
  } as unknown as JobProducer;
  const servers = () => new ServersRepository(dataSource.manager);
  const tick = () => new ServerChecksTickHandler(servers(), producer, config);

  const addServer = (overrides: Partial<ServerEntity>) =>
    seedServer(dataSource, team, { name: `t-${randomUUID().slice(0, 8)}`, status: 'ready', hostKeyFingerprint: 'SHA256:x', ...overrides });
  /** Only this suite's servers: other suites share the database. */
  const mine = (ids: string[]) => queued.filter((q) => ids.includes(q.serverId));

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions(config.database.url, 'tick-test'));
    await dataSource.initialize();
    team = await seedTeamWithServer(dataSource, { team: 'ticks' });
  });
  afterAll(() => dataSource.destroy());
  beforeEach(() => {
    queued.length = 0;
  });

  it('queues each due server once even when ticks overlap, and not again before its interval', async () => {
    const ids = await Promise.all([addServer({}), addServer({ status: 'unreachable' }), addServer({ checkIntervalSeconds: 5 })]);
    await Promise.all([tick().handle(), tick().handle(), tick().handle()]);
    expect(
      mine(ids)
        .map((q) => q.serverId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(new Set(mine(ids).map((q) => q.jobId)).size).toBe(3);
    expect(mine(ids).every((q) => q.jobId?.startsWith(`check-${q.serverId}-`) && !q.jobId.includes(':'))).toBe(true);

    queued.length = 0;
    await tick().handle();
    expect(mine(ids)).toEqual([]);

    // Each server's own interval (or the default) sets when it is due next.
    const claimed = await dataSource.getRepository(ServerEntity).findBy({ id: In(ids) });
    const byId = new Map(claimed.map((s) => [s.id, s]));
    const wait = (id: string) => Math.round(((byId.get(id)?.nextCheckAt?.getTime() ?? 0) - Date.now()) / 1000);
    expect(wait(ids[0])).toBeGreaterThan(55);
    expect(wait(ids[0])).toBeLessThanOrEqual(60);
    expect(wait(ids[2])).toBeLessThanOrEqual(5);

    // Due again once its time has come, or will have come before the next tick (5 s on).
    const dueIn = (id: string, ms: number) => servers().change(teamScope(team.teamId), id, { nextCheckAt: new Date(Date.now() + ms) });
    await dueIn(ids[2], -1_000);
    await dueIn(ids[1], 2_000);
    await dueIn(ids[0], 4_000);
    await tick().handle();
    expect(
      mine(ids)
        .map((q) => q.serverId)
        .sort(),
    ).toEqual([ids[1], ids[2]].sort());
  });

  it('leaves servers that are not validated, or whose host key is not pinned, to validation', async () => {
    const ids = await Promise.all([
      addServer({ status: 'pending' }),
      addServer({ status: 'validating' }),
      addServer({ status: 'invalid' }),
      addServer({ status: 'unreachable', hostKeyFingerprint: null }),
    ]);
    await tick().handle();
    expect(mine(ids)).toEqual([]);
  });
});
