import { DatabasesRepository } from './databases.repository';
import { DatabaseOperationsRepository } from './database-operations.repository';
import { type TeamScope, teamScope } from './team-scope';
import { randomUUID } from 'node:crypto';
import { type SeededEnvironment, type SeededTeam, seedDatabase, seedEnvironment, seedTeamWithServer, useMigratedDatabase } from '../testing';

/** Operations stay inside their team, one at a time per database, and outlive the database a delete removes. */
describe(DatabaseOperationsRepository.name, () => {
  const db = useMigratedDatabase('database-operations-repository');
  let operations: DatabaseOperationsRepository;
  let databases: DatabasesRepository;
  let ours: SeededTeam & SeededEnvironment & { scope: TeamScope };
  let theirs: SeededTeam & SeededEnvironment & { scope: TeamScope };

  const seedTeam = async (name: string) => {
    const team = await seedTeamWithServer(db.source, { team: name });
    return { ...team, ...(await seedEnvironment(db.source, team)), scope: teamScope(team.teamId) };
  };
  const by = { userId: null, tokenId: null, actorName: 'Olive' };
  /** Databases of one environment need names of their own. */
  const named = () => ({ database: { name: `db-${randomUUID().slice(0, 8)}` } });

  beforeAll(async () => {
    operations = new DatabaseOperationsRepository(db.source.manager);
    databases = new DatabasesRepository(db.source.manager);
    ours = await seedTeam('ours');
    theirs = await seedTeam('theirs');
  });

  it('queues one operation per database at a time: another is refused while one is queued or running, taken once it finished', async () => {
    const { id: databaseId } = await seedDatabase(db.source, ours, named());
    const create = await operations.addQueued(ours.scope, { databaseId, kind: 'create', ...by });
    expect(create).toMatchObject({ databaseId, kind: 'create', status: 'queued', deleteData: false, log: '', teamId: ours.teamId });
    expect(await operations.addQueued(ours.scope, { databaseId, kind: 'restart', ...by })).toBeNull();
    expect(await operations.activeOf(ours.scope, databaseId)).toMatchObject({ id: create!.id, kind: 'create' });

    await db.source.query(`UPDATE "database_operations" SET "status" = 'running' WHERE "id" = $1`, [create!.id]);
    // Refused in a transaction too, without aborting it: the caller's other writes still commit.
    await db.source.transaction(async (manager) => {
      expect(await operations.in(manager).addQueued(ours.scope, { databaseId, kind: 'stop', ...by })).toBeNull();
      await databases.in(manager).change(ours.scope, databaseId, { memoryLimitMb: 256 });
    });
    expect((await databases.get(ours.scope, databaseId)).memoryLimitMb).toBe(256);

    await db.source.query(`UPDATE "database_operations" SET "status" = 'success' WHERE "id" = $1`, [create!.id]);
    expect(await operations.activeOf(ours.scope, databaseId)).toBeNull();
    const remove = await operations.addQueued(ours.scope, { databaseId, kind: 'delete', deleteData: true, ...by });
    expect(remove).toMatchObject({ kind: 'delete', deleteData: true, status: 'queued' });
    // Only a delete removes data.
    await expect(
      db.source.query(
        `INSERT INTO "database_operations" ("team_id", "database_id", "kind", "delete_data", "actor_name") VALUES ($1, $2, 'stop', true, 'x')`,
        [ours.teamId, databaseId],
      ),
    ).rejects.toThrow(/check/);
  });

  it("shows a database's operations to its team only, newest first and without their logs in the history", async () => {
    const { id: databaseId } = await seedDatabase(db.source, ours, named());
    const { id: otherDatabaseId } = await seedDatabase(db.source, ours, named());
    const first = await operations.addQueued(ours.scope, { databaseId, kind: 'create', ...by });
    await db.source.query(`UPDATE "database_operations" SET "status" = 'success', "log" = 'created' WHERE "id" = $1`, [first!.id]);
    const second = await operations.addQueued(ours.scope, { databaseId, kind: 'restart', ...by });

    const [page, total] = await operations.pageOfDatabase(ours.scope, databaseId, { skip: 0, take: 10 });
    expect(page.map((row) => row.id)).toEqual([second!.id, first!.id]);
    expect(total).toBe(2);
    expect(page[1]).not.toHaveProperty('log');
    expect((await operations.findOfDatabase(ours.scope, databaseId, first!.id))?.log).toBe('created');

    expect(await operations.findOfDatabase(ours.scope, otherDatabaseId, first!.id)).toBeNull();
    expect(await operations.findOfDatabase(theirs.scope, databaseId, first!.id)).toBeNull();
    expect(await operations.pageOfDatabase(theirs.scope, databaseId, { skip: 0, take: 10 })).toEqual([[], 0]);
    expect(await operations.activeOf(theirs.scope, databaseId)).toBeNull();
    expect(await operations.teamOf(second!.id)).toBe(ours.teamId);
  });

  it('keeps the operations of a deleted database (a delete finishes after its row is gone); they go with the team', async () => {
    const team = await seedTeam('leaving');
    const { id: databaseId } = await seedDatabase(db.source, team, named());
    const remove = await operations.addQueued(team.scope, { databaseId, kind: 'delete', ...by });
    expect(await databases.deleteOne(team.scope, databaseId)).toBe(true);
    expect(await operations.findOfDatabase(team.scope, databaseId, remove!.id)).toMatchObject({ kind: 'delete' });
    await db.source.query(`DELETE FROM "teams" WHERE "id" = $1`, [team.teamId]);
    expect(await operations.findByIdAcrossTeams(remove!.id)).toBeNull();
  });

  it("settles a database's status only from the statuses named, and seals the root password apart from the row", async () => {
    const { id } = await seedDatabase(db.source, ours, {
      password: () => 'sealed',
      database: { ...named().database, engine: 'mariadb', image: 'mariadb:11', status: 'creating', rootPassword: 'sealed-root' },
    });
    expect(await databases.changeStatusFrom(ours.scope, id, ['deleting'], { status: 'failed', statusReason: 'x', statusReasonCode: null })).toBe(
      false,
    );
    expect(await databases.changeStatusFrom(theirs.scope, id, ['creating'], { status: 'failed', statusReason: 'x', statusReasonCode: null })).toBe(
      false,
    );
    expect(
      await databases.changeStatusFrom(ours.scope, id, ['creating'], {
        status: 'failed',
        statusReason: 'why',
        statusReasonCode: 'database.not_ready',
      }),
    ).toBe(true);
    const row = await databases.get(ours.scope, id);
    expect(row).toMatchObject({ status: 'failed', statusReason: 'why', statusReasonCode: 'database.not_ready' });
    expect(row).not.toHaveProperty('rootPassword');
    expect(await databases.sealedSecrets(ours.scope, id)).toEqual({ password: 'sealed', rootPassword: 'sealed-root' });
    expect(await databases.sealedSecrets(theirs.scope, id)).toBeNull();
    // Only MySQL and MariaDB have a root password.
    await expect(seedDatabase(db.source, ours, { database: { ...named().database, rootPassword: 'sealed-root' } })).rejects.toThrow(/check/);
  });
});
