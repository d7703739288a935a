import type { DatabaseReference, EnvVarScope } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import type { ApplicationEntity } from '../entities';
import { type SeededEnvironment, type SeededTeam, seedApplication, seedEnvironment, seedTeamWithServer, useMigratedDatabase } from '../testing';
import { ApplicationsRepository, type LinkedDatabase } from './applications.repository';
import { EnvVarsRepository } from './env-vars.repository';
import { type TeamScope, teamScope } from './team-scope';

/** What a database's change finds through the references stored beside sealed values, in one team and environment only. */
describe('links between databases and applications', () => {
  const db = useMigratedDatabase('database-links');
  let applications: ApplicationsRepository;
  let variables: EnvVarsRepository;
  let ours: SeededTeam & SeededEnvironment & { scope: TeamScope };
  let theirs: SeededTeam & SeededEnvironment & { scope: TeamScope };
  let mainDb: LinkedDatabase;
  let overriddenId: string;

  const seedTeam = async (name: string) => {
    const team = await seedTeamWithServer(db.source, { team: name });
    return { ...team, ...(await seedEnvironment(db.source, team)), scope: teamScope(team.teamId) };
  };
  const ref = (database: string, variable: DatabaseReference['variable'] = 'DATABASE_URL'): DatabaseReference => ({ database, variable });
  /** A variable of the owner referencing these; the value is a placeholder (only the stored references are read here). */
  const link = (team: typeof ours, scope: EnvVarScope, id: string, key: string, references: DatabaseReference[]) =>
    variables.put(team.scope, { scope, id }, key, { value: 'sealed', buildTime: false, runtime: true, references });
  const app = (team: typeof ours, name: string, over: Partial<ApplicationEntity> = {}) => seedApplication(db.source, team, { name, ...over });
  const names = (rows: { name: string }[]) => rows.map((r) => r.name);

  beforeAll(async () => {
    applications = new ApplicationsRepository(db.source.manager);
    variables = new EnvVarsRepository(db.source.manager);
    ours = await seedTeam('ours');
    theirs = await seedTeam('theirs');
    mainDb = { environmentId: ours.environmentId, name: 'main-db' };
  });

  it('finds the applications whose deployments would get a value of the database, after overriding, previews included', async () => {
    const own = await app(ours, 'own');
    await app(ours, 'shared');
    const overridden = await app(ours, 'overridden');
    overriddenId = overridden.id;
    const parent = await app(ours, 'parent');
    const preview = await app(ours, 'parent-pr-1', {
      previewOfId: parent.id,
      previewNumber: 1,
      previewRef: 'refs/pull/1/head',
      previewProvider: 'github',
    });
    const unrelated = await app(ours, 'unrelated');
    await link(ours, 'application', own.id, 'DATABASE_URL', [ref('main-db')]);
    // Shared by the environment: every application gets it, unless its own variable of that key wins.
    await link(ours, 'environment', ours.environmentId, 'SHARED_URL', [ref('main-db', 'HOST'), ref('cache', 'PORT')]);
    await link(ours, 'application', overridden.id, 'SHARED_URL', [ref('other-db')]);
    // A preview override wins in the previews only.
    await link(ours, 'application', parent.id, 'SHARED_URL', [ref('other-db')]);
    await link(ours, 'preview', parent.id, 'SHARED_URL', [ref('main-db', 'PASSWORD')]);
    await link(ours, 'application', unrelated.id, 'SHARED_URL', []);

    expect(names(await applications.referencingDatabase(ours.scope, mainDb))).toEqual(['own', 'parent-pr-1', 'shared'].sort());
    expect((await applications.referencingDatabase(ours.scope, mainDb)).find((a) => a.id === preview.id)).toEqual({
      id: preview.id,
      name: 'parent-pr-1',
      previewOfId: parent.id,
    });
    expect(names(await applications.referencingDatabase(ours.scope, { environmentId: ours.environmentId, name: 'cache' }))).toEqual([
      'own',
      'shared',
    ]);
    expect(names(await applications.referencingDatabase(ours.scope, { environmentId: ours.environmentId, name: 'other-db' }))).toEqual([
      'overridden',
      'parent',
    ]);
    // Another team, or another environment of the same name, finds nothing.
    expect(await applications.referencingDatabase(theirs.scope, mainDb)).toEqual([]);
    expect(await applications.referencingDatabase(ours.scope, { environmentId: theirs.environmentId, name: 'main-db' })).toEqual([]);
  });

  it('marks them for redeploy, and a deployment that started after the mark clears it, one that started before does not', async () => {
    const marked = await applications.markReferencingDatabaseForRedeploy(ours.scope, mainDb, 'The password of main-db was rotated');
    expect(names(marked)).toEqual(['own', 'parent-pr-1', 'shared']);
    const own = await applications.get(ours.scope, marked[0].id);
    expect(own.redeployReason).toBe('The password of main-db was rotated');
    const since = own.redeployRequestedAt as Date;
    expect(since).toBeInstanceOf(Date);
    expect((await applications.get(ours.scope, overriddenId)).redeployReason).toBeNull();

    await applications.clearPendingRedeploy(ours.scope, own.id, new Date(since.getTime() - 1));
    expect((await applications.get(ours.scope, own.id)).redeployReason).toBe('The password of main-db was rotated');
    // Another team's call changes nothing of ours.
    await applications.clearPendingRedeploy(theirs.scope, own.id, new Date(since.getTime() + 1_000));
    await applications.markForRedeploy(theirs.scope, [marked[1].id], 'theirs');
    expect((await applications.get(ours.scope, marked[1].id)).redeployReason).toBe('The password of main-db was rotated');
    await applications.clearPendingRedeploy(ours.scope, own.id, new Date(since.getTime() + 1_000));
    expect(await applications.get(ours.scope, own.id)).toMatchObject({ redeployReason: null, redeployRequestedAt: null });
  });

  it('refuses renaming a referenced database with a 409 naming every variable that references it, overridden ones too', async () => {
    expect(await variables.referencingDatabase(ours.scope, { ...mainDb, name: 'other-db' })).toEqual([
      { key: 'SHARED_URL', scope: 'application', applicationName: 'overridden' },
      { key: 'SHARED_URL', scope: 'application', applicationName: 'parent' },
    ]);
    await expect(variables.refuseRenameWhileReferenced(ours.scope, mainDb)).rejects.toThrow(AppException);
    await expect(variables.refuseRenameWhileReferenced(ours.scope, mainDb)).rejects.toMatchObject({
      status: 409,
      message:
        'main-db is referenced by SHARED_URL (shared by the environment), DATABASE_URL of own, SHARED_URL of parent (preview override): remove or change those references first',
      errors: [{ field: 'name', message: 'the variables referencing main-db would no longer resolve' }],
    });
    await expect(variables.refuseRenameWhileReferenced(ours.scope, { ...mainDb, name: 'nobody-uses' })).resolves.toBeUndefined();
    await expect(variables.refuseRenameWhileReferenced(theirs.scope, mainDb)).resolves.toBeUndefined();
  });
});
