import { randomUUID } from 'node:crypto';
import { AppException } from '@zpanel/core';
import type { DatabaseEntity } from '../entities';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedApplication,
  seedEnvironment,
  seedServer,
  seedTeamWithServer,
  useMigratedDatabase,
} from '../testing';
import { DatabasesRepository } from './databases.repository';
import { type TeamScope, teamScope } from './team-scope';

/** Databases stay inside the scope they are read with, and the schema refuses the names and ports that would clash. */
describe(DatabasesRepository.name, () => {
  const db = useMigratedDatabase('databases-repository');
  let databases: DatabasesRepository;
  let ours: SeededTeam & SeededEnvironment & { scope: TeamScope };
  let theirs: SeededTeam & SeededEnvironment & { scope: TeamScope };

  const seedTeam = async (name: string) => {
    const team = await seedTeamWithServer(db.source, { team: name });
    return { ...team, ...(await seedEnvironment(db.source, team)), scope: teamScope(team.teamId) };
  };

  /** A PostgreSQL database of the team in its environment on its server; `over` overrides columns. Its id. */
  const addDatabase = async (team: typeof ours, over: Partial<DatabaseEntity> = {}): Promise<string> => {
    const id = randomUUID();
    await databases.add(team.scope, {
      id,
      environmentId: team.environmentId,
      serverId: team.serverId,
      name: `db-${id.slice(0, 8)}`,
      engine: 'postgresql',
      image: 'postgres:17',
      databaseName: 'app',
      userName: 'app',
      password: 'sealed',
      publicPort: null,
      memoryLimitMb: null,
      cpuLimit: null,
      status: 'creating',
      statusReason: null,
      statusReasonCode: null,
      ...over,
    });
    return id;
  };

  beforeAll(async () => {
    databases = new DatabasesRepository(db.source.manager);
    ours = await seedTeam('ours');
    theirs = await seedTeam('theirs');
  });

  it("shows a team's databases to that team only, and never selects the password with the row", async () => {
    const id = await addDatabase(ours, { name: 'main-db' });
    await addDatabase(theirs, { name: 'main-db' });

    const [page, total] = await databases.pageInEnvironment(ours.scope, ours.environmentId, { skip: 0, take: 10 });
    expect(page.map((row) => row.name)).toEqual(['main-db']);
    expect(total).toBe(1);
    expect(page[0]).not.toHaveProperty('password');
    expect(page[0]).toMatchObject({ id, teamId: ours.teamId, status: 'creating', engine: 'postgresql' });
    expect(await databases.sealedPassword(ours.scope, id)).toBe('sealed');

    expect(await databases.pageInEnvironment(theirs.scope, ours.environmentId, { skip: 0, take: 10 })).toEqual([[], 0]);
    expect(await databases.find(theirs.scope, id)).toBeNull();
    await expect(databases.get(theirs.scope, id)).rejects.toThrow(AppException);
    await expect(databases.get(theirs.scope, id)).rejects.toThrow('No such database');
    expect(await databases.sealedPassword(theirs.scope, id)).toBeNull();
    expect(await databases.nameTakenInEnvironment(theirs.scope, ours.environmentId, 'main-db')).toBe(false);
    await databases.change(theirs.scope, id, { status: 'failed' });
    expect(await databases.deleteOne(theirs.scope, id)).toBe(false);
    expect((await databases.get(ours.scope, id)).status).toBe('creating');
  });

  it('tells a name taken by a database or an application of the environment, and no other', async () => {
    const env = await seedEnvironment(db.source, ours, 'names');
    const id = await addDatabase({ ...ours, ...env }, { name: 'cache' });
    await seedApplication(db.source, { ...ours, ...env }, { name: 'web' });

    expect(await databases.nameTakenInEnvironment(ours.scope, env.environmentId, 'cache')).toBe(true);
    expect(await databases.nameTakenInEnvironment(ours.scope, env.environmentId, 'web')).toBe(true);
    expect(await databases.nameTakenInEnvironment(ours.scope, env.environmentId, 'other')).toBe(false);
    // Renaming a database to its own name is no clash; another environment's names are not this one's.
    expect(await databases.nameTakenInEnvironment(ours.scope, env.environmentId, 'cache', id)).toBe(false);
    expect(await databases.nameTakenInEnvironment(ours.scope, ours.environmentId, 'cache')).toBe(false);

    expect(await databases.countInEnvironment(ours.scope, env.environmentId)).toBe(1);
    expect(await databases.countInProject(ours.scope, env.projectId)).toBe(1);
    expect(await databases.countInEnvironment(theirs.scope, env.environmentId)).toBe(0);
    expect(await databases.countInProject(theirs.scope, env.projectId)).toBe(0);
  });

  it('refuses a second database of one name in an environment, and allows it in another', async () => {
    const env = await seedEnvironment(db.source, ours, 'unique-names');
    await addDatabase({ ...ours, ...env }, { name: 'twice' });
    await expect(addDatabase({ ...ours, ...env }, { name: 'twice' })).rejects.toThrow(/databases_environment_name_key/);
    await expect(addDatabase(ours, { name: 'twice' })).resolves.toEqual(expect.any(String));
  });

  it('publishes a port once per server, and lets any number of databases publish none', async () => {
    const serverId = await seedServer(db.source, ours);
    const otherServerId = await seedServer(db.source, ours);
    const first = await addDatabase({ ...ours, serverId }, { publicPort: 15432 });

    expect(await databases.publicPortTaken(serverId, 15432)).toBe(true);
    expect(await databases.publicPortTaken(serverId, 15432, first)).toBe(false);
    expect(await databases.publicPortTaken(serverId, 15433)).toBe(false);
    expect(await databases.publicPortTaken(otherServerId, 15432)).toBe(false);
    await expect(addDatabase({ ...ours, serverId }, { publicPort: 15432 })).rejects.toThrow(/databases_server_public_port_key/);
    await expect(addDatabase({ ...ours, serverId: otherServerId }, { publicPort: 15432 })).resolves.toEqual(expect.any(String));

    await addDatabase({ ...ours, serverId });
    await addDatabase({ ...ours, serverId });
    expect(await databases.countOnServer(serverId)).toBe(3);
  });

  it('holds names and ports to what the engines accept', async () => {
    await expect(addDatabase(ours, { name: 'Main_DB' })).rejects.toThrow(/check/);
    await expect(addDatabase(ours, { publicPort: 65536 })).rejects.toThrow(/check/);
    await expect(addDatabase(ours, { databaseName: 'x; DROP TABLE y' })).rejects.toThrow(/check/);
    // Redis has no database or user names; the SQL engines need both.
    await expect(addDatabase(ours, { engine: 'redis', image: 'redis:7', databaseName: null, userName: null })).resolves.toEqual(expect.any(String));
    await expect(addDatabase(ours, { engine: 'redis', image: 'redis:7' })).rejects.toThrow(/check/);
    await expect(addDatabase(ours, { databaseName: null })).rejects.toThrow(/check/);
  });

  it('keeps the server while a database runs there, and goes with its environment', async () => {
    const env = await seedEnvironment(db.source, ours, 'cascade');
    const serverId = await seedServer(db.source, ours);
    const id = await addDatabase({ ...ours, ...env, serverId });
    await expect(db.source.query(`DELETE FROM "servers" WHERE "id" = $1`, [serverId])).rejects.toThrow(/foreign key/);
    await db.source.query(`DELETE FROM "environments" WHERE "id" = $1`, [env.environmentId]);
    expect(await databases.find(ours.scope, id)).toBeNull();
  });
});
