import { randomUUID } from 'node:crypto';
import { AppException, loadConfig } from '@zpanel/core';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../data-source-options';
import { ServerEntity, SshKeyEntity, TeamEntity } from '../entities';
import { ServersRepository } from './servers.repository';
import { type TeamScope, teamScope } from './team-scope';

describe('TeamOwnedRepository', () => {
  const config = loadConfig(process.env);
  let dataSource: DataSource;
  let servers: ServersRepository;
  let ours: TeamScope;
  let theirs: TeamScope;
  let serverId: string;

  const addServer = async (teamId: string, name: string) => {
    const sshKeyId = (
      await dataSource.getRepository(SshKeyEntity).save({ teamId, name, type: 't', privateKey: 'p', publicKey: 'p', fingerprint: 'f' })
    ).id;
    return (
      await dataSource
        .getRepository(ServerEntity)
        .save({ teamId, name, host: 'h', port: 22, user: 'u', sshKeyId, description: '', status: 'pending' as const })
    ).id;
  };

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions(config.database.url, 'repository-test'));
    await dataSource.initialize();
    servers = new ServersRepository(dataSource.manager);
    ours = teamScope((await dataSource.getRepository(TeamEntity).save({ name: `ours-${randomUUID()}` })).id);
    theirs = teamScope((await dataSource.getRepository(TeamEntity).save({ name: `theirs-${randomUUID()}` })).id);
    serverId = await addServer(ours.teamId, 'a');
    await addServer(ours.teamId, 'b');
    await addServer(theirs.teamId, 'c');
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('tells the owner of an id, and nothing for an unknown one', async () => {
    expect(await servers.teamOf(serverId)).toBe(ours.teamId);
    expect(await servers.teamOf(randomUUID())).toBeUndefined();
  });

  it("finds a row in its team only: another team's row is the same 404 as a missing one", async () => {
    expect((await servers.get(ours, serverId)).id).toBe(serverId);
    expect(await servers.find(theirs, serverId)).toBeNull();
    const problems = await Promise.all([servers.get(theirs, serverId), servers.get(ours, randomUUID())].map((p) => p.catch((e: unknown) => e)));
    for (const problem of problems) {
      expect(problem).toBeInstanceOf(AppException);
      expect((problem as AppException).message).toBe('No such server');
    }
  });

  it('tells which of some ids are rows of the team (ids named inside a request body)', async () => {
    const [theirsId] = (await servers.page(theirs, { skip: 0, take: 1 }, { name: 'ASC' }))[0].map((row) => row.id);
    const unknown = randomUUID();
    expect(await servers.ownIds(ours, [serverId, theirsId, unknown])).toEqual(new Set([serverId]));
    expect(await servers.ownIds(theirs, [serverId, theirsId, unknown])).toEqual(new Set([theirsId]));
    expect(await servers.ownIds(ours, [])).toEqual(new Set());
  });

  it('pages and deletes within the team only', async () => {
    const [rows, total] = await servers.page(ours, { skip: 0, take: 1 }, { name: 'ASC' });
    expect(total).toBe(2);
    expect(rows.map((r) => r.name)).toEqual(['a']);
    expect(await servers.deleteOne(theirs, serverId)).toBe(false);
    expect(await servers.findByIdAcrossTeams(serverId)).not.toBeNull();
  });

  it('works inside a transaction and rolls back with it', async () => {
    const rolledBack = dataSource.transaction(async (manager) => {
      expect(await servers.in(manager).deleteOne(ours, serverId)).toBe(true);
      expect(await servers.in(manager).find(ours, serverId)).toBeNull();
      throw new Error('roll back');
    });
    await expect(rolledBack).rejects.toThrow('roll back');
    expect(await servers.find(ours, serverId)).not.toBeNull();
  });

  it('does not take a bare team id: a compile error (the typecheck of this file), and refused at run time', () => {
    // @ts-expect-error a string is not a checked TeamScope
    expect(() => servers.find(ours.teamId, serverId)).toThrow('A team-owned query needs a TeamScope');
  });
});
