import { randomUUID } from 'node:crypto';
import { loadConfig } from '@zpanel/core';
import { WebhookDeliveriesRepository, WebhookDeliveryEntity, buildDataSourceOptions } from '@zpanel/database';
import { seedApplication, seedEnvironment, seedTeamWithServer } from '@zpanel/database/testing';
import { DataSource } from 'typeorm';
import { WebhookDeliveriesPruneHandler } from './webhook-deliveries-prune.handler';

const DAY = 86_400_000;

/** Pruning against the run's real Postgres. */
describe(WebhookDeliveriesPruneHandler.name, () => {
  const config = loadConfig(process.env);
  let dataSource: DataSource;
  let handler: WebhookDeliveriesPruneHandler;
  const apps: string[] = [];
  let teamId: string;
  const now = new Date(Date.UTC(2026, 10, 23, 8, 0, 0));
  const ago = (ms: number) => new Date(now.getTime() - ms);

  const delivery = (applicationId: string | null, receivedAt: Date) => ({
    teamId: applicationId ? teamId : null,
    applicationId,
    provider: 'github' as const,
    deliveryId: randomUUID(),
    event: 'push',
    outcome: 'ignored' as const,
    reason: 'branch',
    deploymentId: null,
    headers: {},
    body: '',
    receivedAt,
  });
  const count = (applicationId: string) => dataSource.getRepository(WebhookDeliveryEntity).countBy({ applicationId });

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions(config.database.url, 'webhook-prune-test'));
    await dataSource.initialize();
    handler = new WebhookDeliveriesPruneHandler(new WebhookDeliveriesRepository(dataSource.manager));
    const team = await seedTeamWithServer(dataSource, { team: 'prune', server: { name: 'pruned', status: 'ready' } });
    const workspace = { ...team, ...(await seedEnvironment(dataSource, team)) };
    teamId = workspace.teamId;
    for (const name of ['busy', 'quiet']) apps.push((await seedApplication(dataSource, workspace, { name })).id);
  });
  afterAll(() => dataSource.destroy());

  it('deletes deliveries older than 30 days but keeps each application’s latest 100', async () => {
    const [busy, quiet] = apps;
    const repository = dataSource.getRepository(WebhookDeliveryEntity);
    // busy: 120 recent deliveries and 50 old ones: every old one goes (the latest 100 are all recent).
    await repository.insert([
      ...Array.from({ length: 120 }, (_, i) => delivery(busy, ago(i * 60_000))),
      ...Array.from({ length: 50 }, (_, i) => delivery(busy, ago(31 * DAY + i * 60_000))),
    ]);
    // quiet: 3 recent and 150 old: the latest 100 stay, 53 of them old.
    await repository.insert([
      ...Array.from({ length: 3 }, (_, i) => delivery(quiet, ago(i * DAY))),
      ...Array.from({ length: 150 }, (_, i) => delivery(quiet, ago(40 * DAY + i * 60_000))),
    ]);

    const result = await handler.run(now);

    expect(result).toEqual({ deleted: 50 + 53 });
    expect(await count(busy)).toBe(120);
    expect(await count(quiet)).toBe(100);
    const oldest = await repository.find({ where: { applicationId: quiet }, order: { receivedAt: 'ASC' }, take: 1 });
    expect(oldest[0].receivedAt.getTime()).toBe(ago(40 * DAY + 96 * 60_000).getTime());
    expect((await handler.run(now)).deleted).toBe(0);
  });
});
