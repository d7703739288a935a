import { loadConfig } from '@zpanel/core';
import { ServerMetricEntity, ServerMetricsRepository, ServersRepository, buildDataSourceOptions } from '@zpanel/database';
import { seedTeamWithServer } from '@zpanel/database/testing';
import { DataSource } from 'typeorm';
import { MetricsRetentionHandler } from './metrics-retention.handler';

const DAY = 86_400_000;
const MB = 1024 ** 2;

/** Retention against the run's real Postgres. */
describe(MetricsRetentionHandler.name, () => {
  const config = loadConfig(process.env);
  let dataSource: DataSource;
  let handler: MetricsRetentionHandler;
  let teamId: string;
  let serverId: string;
  // A fixed "now" on a minute boundary plus 30 s, so the 7-day cut-off falls mid-minute.
  const now = new Date(Date.UTC(2026, 2, 20, 12, 0, 30));
  const at = (msAgo: number) => new Date(now.getTime() - msAgo);

  const sample = (ts: Date, figures: { cpu: number; memory: number; load: number } | null) => ({
    serverId,
    teamId,
    resolution: 'raw' as const,
    ts,
    reachable: figures !== null,
    cpuPercent: figures?.cpu ?? null,
    memoryUsedBytes: figures ? String(figures.memory * MB) : null,
    memoryTotalBytes: figures ? String(1000 * MB) : null,
    diskUsedBytes: figures ? String(400 * MB) : null,
    diskTotalBytes: figures ? String(1000 * MB) : null,
    load1: figures?.load ?? null,
    load5: figures?.load ?? null,
    load15: figures?.load ?? null,
    containers: figures ? [{ id: 'c', name: 'c', cpuPercent: 1, memoryBytes: 1, memoryLimitBytes: null }] : [],
  });
  const metrics = () => dataSource.getRepository(ServerMetricEntity);
  const rows = (resolution: 'raw' | '1m') => metrics().find({ where: { serverId, resolution }, order: { ts: 'ASC' } });

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions(config.database.url, 'retention-test'));
    await dataSource.initialize();
    handler = new MetricsRetentionHandler(dataSource, new ServersRepository(dataSource.manager), new ServerMetricsRepository(dataSource.manager));
    ({ teamId, serverId } = await seedTeamWithServer(dataSource, { team: 'retention', server: { name: 'retained', status: 'ready' } }));
  });
  afterAll(() => dataSource.destroy());

  it('folds raw samples older than 7 days into 1-minute averages of the reachable ones, and keeps the rest raw', async () => {
    const minute = (offsetMinutes: number, second: number) => new Date(Date.UTC(2026, 2, 13, 11, 50 + offsetMinutes, second));
    await metrics().insert([
      // 11:50: three reachable samples and one unreachable.
      sample(minute(0, 0), { cpu: 10, memory: 100, load: 1 }),
      sample(minute(0, 15), { cpu: 20, memory: 200, load: 2 }),
      sample(minute(0, 30), null),
      sample(minute(0, 45), { cpu: 60, memory: 300, load: 0 }),
      // 11:51: unreachable only.
      sample(minute(1, 10), null),
      // 11:52: one sample.
      sample(minute(2, 5), { cpu: 5, memory: 500, load: 0.5 }),
      // 12:00:10, 7 days ago: its minute is cut by the cut-off (12:00:30), so it waits for the next run, whole.
      sample(at(7 * DAY + 20_000), { cpu: 99, memory: 999, load: 9 }),
      // Recent samples stay raw.
      sample(at(60_000), { cpu: 1, memory: 1, load: 1 }),
      sample(at(6 * DAY), { cpu: 2, memory: 2, load: 2 }),
    ]);

    expect(await handler.run(now)).toEqual(expect.objectContaining({ downsampled: 3, deletedRaw: 6 }));

    const minutes = await rows('1m');
    expect(minutes.map((m) => m.ts.toISOString())).toEqual(['2026-03-13T11:50:00.000Z', '2026-03-13T11:51:00.000Z', '2026-03-13T11:52:00.000Z']);
    const [first, second, third] = minutes;
    expect(first).toMatchObject({
      reachable: true,
      memoryUsedBytes: String(200 * MB),
      memoryTotalBytes: String(1000 * MB),
      diskUsedBytes: String(400 * MB),
      containers: [],
    });
    expect(first.cpuPercent).toBeCloseTo(30, 5);
    expect(first.load1).toBeCloseTo(1, 5);
    expect(second).toMatchObject({ reachable: false, cpuPercent: null, memoryUsedBytes: null, load1: null });
    expect(third).toMatchObject({ reachable: true, cpuPercent: 5, memoryUsedBytes: String(500 * MB), load1: 0.5 });

    expect((await rows('raw')).map((r) => r.ts.getTime())).toEqual([at(7 * DAY + 20_000), at(6 * DAY), at(60_000)].map((d) => d.getTime()));
  });

  it('does nothing more when run again, and folds the cut minute whole once it is past the cut-off', async () => {
    const before = JSON.stringify(await rows('1m'));
    expect(await handler.run(now)).toEqual({ downsampled: 0, deletedRaw: 0, deletedMinute: 0 });
    expect(JSON.stringify(await rows('1m'))).toBe(before);

    const later = new Date(now.getTime() + 60_000);
    expect(await handler.run(later)).toEqual({ downsampled: 1, deletedRaw: 1, deletedMinute: 0 });
    expect((await rows('1m')).at(-1)).toMatchObject({
      ts: new Date(Date.UTC(2026, 2, 13, 12, 0, 0)),
      cpuPercent: 99,
      memoryUsedBytes: String(999 * MB),
    });
  });

  it('never counts a sample twice: a minute already folded is left as it is', async () => {
    const ts = new Date(Date.UTC(2026, 2, 13, 11, 40, 0));
    await metrics().insert([
      { ...sample(ts, { cpu: 50, memory: 50, load: 5 }), resolution: '1m', containers: [] },
      sample(new Date(ts.getTime() + 5_000), { cpu: 0, memory: 0, load: 0 }),
    ]);
    await handler.run(now);
    const folded = (await rows('1m')).find((m) => m.ts.getTime() === ts.getTime());
    expect(folded).toMatchObject({ cpuPercent: 50, load1: 5 });
    expect((await rows('raw')).some((r) => r.ts.getTime() === ts.getTime() + 5_000)).toBe(false);
  });

  it('deletes 1-minute averages older than 30 days', async () => {
    const old = new Date(now.getTime() - 31 * DAY);
    await metrics().insert({ ...sample(old, { cpu: 1, memory: 1, load: 1 }), resolution: '1m', containers: [] });
    const result = await handler.run(now);
    expect(result.deletedMinute).toBe(1);
    expect((await rows('1m')).every((m) => m.ts.getTime() >= now.getTime() - 30 * DAY)).toBe(true);
  });
});
