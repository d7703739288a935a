import { randomUUID } from 'node:crypto';
import { loadConfig } from '@zpanel/core';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../data-source-options';
import { DeploymentEntity } from '../entities';
import { seedApplication, seedTeamWithServer } from '../testing';
import { ApplicationDomainsRepository } from './application-domains.repository';
import { ApplicationsRepository } from './applications.repository';
import { DeploymentsRepository } from './deployments.repository';
import { EnvVarsRepository } from './env-vars.repository';
import { type TeamScope, teamScope } from './team-scope';

/** The application aggregates' repositories keep every read and write inside the scope they are given. */
describe('application repositories', () => {
  const config = loadConfig(process.env);
  const run = randomUUID().slice(0, 8);
  let dataSource: DataSource;
  let applications: ApplicationsRepository;
  let domains: ApplicationDomainsRepository;
  let variables: EnvVarsRepository;
  let deployments: DeploymentsRepository;
  let ours: TeamScope;
  let theirs: TeamScope;
  let appId: string;
  let environmentId: string;
  let deploymentId: string;

  /** A team with a server, and one application there. */
  const seedTeam = async (name: string) => {
    const seeded = await seedTeamWithServer(dataSource, { team: `${name}-${run}` });
    const application = await seedApplication(dataSource, seeded, { name });
    return { team: teamScope(seeded.teamId), applicationId: application.id, environmentId: application.environmentId };
  };

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions(config.database.url, 'application-repositories-test'));
    await dataSource.initialize();
    applications = new ApplicationsRepository(dataSource.manager);
    domains = new ApplicationDomainsRepository(dataSource.manager);
    variables = new EnvVarsRepository(dataSource.manager);
    deployments = new DeploymentsRepository(dataSource.manager);
    const mine = await seedTeam('ours');
    const other = await seedTeam('theirs');
    ours = mine.team;
    theirs = other.team;
    appId = mine.applicationId;
    environmentId = mine.environmentId;
    await domains.add(ours, appId, [`a.ours-${run}.test`]);
    await domains.add(theirs, other.applicationId, [`b.theirs-${run}.test`]);
    await applications.change(theirs, other.applicationId, { previewDomain: `pr.theirs-${run}.test` });
    deploymentId = (
      await deployments.queue(ours, {
        applicationId: appId,
        trigger: 'manual',
        commitSha: null,
        gitTag: null,
        sourceDeploymentId: null,
        imageTag: null,
        requestedImageTag: null,
        userId: null,
        tokenId: null,
        actorName: 'Olive',
      })
    ).row.id;
    await dataSource.query(
      `INSERT INTO "deployment_logs" ("deployment_id", "seq", "ts", "stream", "line") VALUES ($1, 1, now(), 'system', 'hello')`,
      [deploymentId],
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  it("reads an application's domains in its team only, and tells another team's claims without naming whose", async () => {
    expect(await domains.ofApplications(ours, [appId])).toEqual(new Map([[appId, [`a.ours-${run}.test`]]]));
    expect(await domains.ofApplications(theirs, [appId])).toEqual(new Map());
    expect(await domains.usedInTeam(theirs, [`a.ours-${run}.test`])).toEqual([]);
    expect(await domains.usedInTeam(ours, [`a.ours-${run}.test`])).toEqual([`a.ours-${run}.test`]);
    const asked = [`a.ours-${run}.test`, `b.theirs-${run}.test`, `x.pr.theirs-${run}.test`];
    expect(await domains.claimedByOtherTeams(ours, asked)).toEqual([`b.theirs-${run}.test`, `x.pr.theirs-${run}.test`]);
    expect(await domains.previewDomainOverlapsOtherTeams(ours, `theirs-${run}.test`)).toBe(true);
    expect(await domains.previewDomainOverlapsOtherTeams(theirs, `theirs-${run}.test`)).toBe(false);
  });

  it("keeps an owner's variables to its team: another team reads none and deletes none", async () => {
    const owner = { scope: 'environment' as const, id: environmentId };
    await variables.put(ours, owner, 'KEY', { value: 'sealed', buildTime: false, runtime: true, references: [] });
    expect((await variables.ofOwner(ours, owner)).map((v) => v.key)).toEqual(['KEY']);
    expect(await variables.ofOwner(theirs, owner)).toEqual([]);
    expect(await variables.deleteKey(theirs, owner, 'KEY')).toBe(false);
    expect(await variables.countOfOwner(ours, owner)).toBe(1);
  });

  it("gives another team neither a deployment's log nor its cancellation", async () => {
    expect((await deployments.logLines(ours, deploymentId, 0, 10)).map((l) => l.line)).toEqual(['hello']);
    expect(await deployments.logLines(theirs, deploymentId, 0, 10)).toEqual([]);
    expect(await deployments.requestCancel(theirs, deploymentId)).toBeNull();
    expect((await dataSource.getRepository(DeploymentEntity).findOneByOrFail({ id: deploymentId })).status).toBe('queued');
    expect(await deployments.requestCancel(ours, deploymentId)).toEqual({ status: 'cancelled', applicationId: appId });
  });

  it('lists applications without their previews, and changes nothing of another team', async () => {
    const [rows, total] = await applications.pageListed(ours, { skip: 0, take: 10 }, {});
    expect([rows.map((r) => r.id), total]).toEqual([[appId], 1]);
    await applications.change(theirs, appId, { description: 'not theirs to write' });
    expect((await applications.get(ours, appId)).description).toBe('');
  });
});
