import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLICATION_DEFAULTS, type DeploymentLiveEvent, LiveTopics } from '@zpanel/contracts';
import { createLogger, generateDatabasePassword, generateSshKeyPair, injectionPayloads, parseValueReferences, quoteShellArg } from '@zpanel/core';
import {
  ApplicationEntity,
  ApplicationMountsRepository,
  ApplicationsRepository,
  DatabasesRepository,
  DeploymentEntity,
  DeploymentsRepository,
  EnvVarEntity,
  EnvVarsRepository,
  ServersRepository,
  SshKeysRepository,
  databasePasswordAad,
  envVarAad,
  gitTokenAad,
  mountContentAad,
  teamScope,
} from '@zpanel/database';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedApplication,
  seedDatabase,
  seedDeployment,
  seedEnvironment,
  seedServer,
  seedTeamWithServer,
  notificationEventsAbout,
} from '@zpanel/database/testing';
import type { JobContext } from '@zpanel/queue';
import { type PooledTarget, releaseDocker } from '@zpanel/remote';
import {
  type GitFixture,
  createGitFixture,
  dockerCli,
  removeDockerNamespace,
  testServerAddress,
  testServerKey,
  testSshArgv,
  testSshTarget,
  waitFor,
} from '@zpanel/testing';
import { ServerTargets } from '../servers/server-targets';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { BuildSlots } from './build-slots';
import { DeploymentEvents } from './deployment-events';
import { DeploymentRunHandler } from './deployment-run.handler';
import { cleanUpApplication } from './application-cleanup';
import { DockerDeploymentOps } from './docker-deployment-ops';
import { namespacedTestConfig, useWorkerHarness } from '../worker-stores.testing';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';

const BASE_IMAGE = 'zpanel-test/busybox';
/** Makes the RUN step this run's own: a cached step from an earlier run would print nothing to redact. */
const RUN_NONCE = randomUUID();

/** The sample app: busybox httpd serving its version, built FROM the local base image. */
const appFiles = (version: string) => ({
  Dockerfile: [
    `FROM ${BASE_IMAGE}`,
    'ARG BUILD_TOKEN',
    `RUN echo "run ${RUN_NONCE} building with token $BUILD_TOKEN"`,
    'COPY www /www',
    'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
    '',
  ].join('\n'),
  'www/index.html': version,
});

describe(DeploymentRunHandler.name, () => {
  const { config: namespaced, namespace, names } = namespacedTestConfig();
  const { config, box, stores, pool } = useWorkerHarness('deployments-test', namespaced);
  const ssh = testSshTarget();
  let handler: DeploymentRunHandler;
  let targets: ServerTargets;
  let target: PooledTarget;
  let repo: GitFixture;
  let workspace: SeededTeam & SeededEnvironment;
  let teamId: string;
  let serverId: string;
  let environmentId: string;
  let keyId: string;

  const context = (): JobContext => ({ jobId: 'job', attempt: 1, signal: new AbortController().signal });
  const deployments = () => stores.dataSource.getRepository(DeploymentEntity);
  const applications = () => new ApplicationsRepository(stores.dataSource.manager);
  const team = () => teamScope(teamId);

  function addApplication(name: string, overrides: Partial<ApplicationEntity>): Promise<ApplicationEntity> {
    return seedApplication(stores.dataSource, workspace, {
      name,
      stopGraceSeconds: 1,
      buildPack: 'dockerfile',
      gitUrl: repo.url,
      gitBranch: repo.branch,
      imageReference: null,
      healthCheck: { ...APPLICATION_DEFAULTS.healthCheck, startPeriodSeconds: 0, intervalSeconds: 1, retries: 10 },
      ...overrides,
    });
  }

  /** The handler as the worker wires it, over these server targets. */
  function handlerWith(serverTargets: ServerTargets): DeploymentRunHandler {
    const logger = createLogger({ level: 'silent', name: 'test' });
    return new DeploymentRunHandler(
      stores.dataSource,
      new ApplicationsRepository(stores.dataSource.manager),
      new DeploymentsRepository(stores.dataSource.manager),
      new EnvVarsRepository(stores.dataSource.manager),
      new SshKeysRepository(stores.dataSource.manager),
      new DatabasesRepository(stores.dataSource.manager),
      serverTargets,
      pool,
      new DeploymentEvents(stores.dataSource, stores.live, config, logger),
      new BuildSlots(stores.redis, config),
      config,
      box,
      'test-worker',
      logger,
      new ApplicationMountsRepository(stores.dataSource.manager),
      eventNotificationsOver(stores.dataSource).notifications,
    );
  }

  async function setVariable(applicationId: string, key: string, value: string, flags: { buildTime: boolean; runtime: boolean }) {
    const sealed = box.seal(value, envVarAad({ environmentId: null, applicationId }, key));
    const parsed = parseValueReferences(value);
    const references = parsed.ok ? parsed.references : [];
    await new EnvVarsRepository(stores.dataSource.manager).put(team(), { scope: 'application', id: applicationId }, key, {
      value: sealed,
      ...flags,
      references,
    });
  }

  async function deploy(applicationId: string, overrides: Partial<DeploymentEntity> = {}): Promise<DeploymentEntity> {
    const row = await seedDeployment(stores.dataSource, { teamId, applicationId }, { userId: null, tokenId: null, ...overrides });
    await handler.handle({ deploymentId: row.id }, context());
    return deployments().findOneByOrFail({ id: row.id });
  }

  /** The kinds and titles of the notification events recorded about a deployment, oldest first. */
  const notifiedAbout = async (deploymentId: string) =>
    (await notificationEventsAbout(stores.dataSource, deploymentId)).map((e) => ({ kind: e.kind, title: e.title }));

  const logOf = async (id: string) =>
    (await stores.dataSource.query(`SELECT "seq", "line" FROM "deployment_logs" WHERE "deployment_id" = $1 ORDER BY "seq"`, [id])) as {
      seq: string;
      line: string;
    }[];

  /** Asks the app's container for a page, through the server (as the proxy would reach it). */
  async function answer(containerName: string, path = '/'): Promise<string> {
    const ip = dockerCli('inspect', '-f', `{{(index .NetworkSettings.Networks "${names.network}").IPAddress}}`, containerName);
    const stream = await pool.openTcpStream(target, ip, 8080);
    return new Promise((resolve, reject) => {
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.on('error', reject);
      stream.on('close', () => resolve(body.split('\r\n\r\n')[1] ?? ''));
      stream.end(`GET ${path} HTTP/1.0\r\nHost: test\r\n\r\n`);
    });
  }

  /** The app's containers of this namespace, running or not. */
  const containersOf = (applicationId: string) =>
    dockerCli(
      'ps',
      '-a',
      '--filter',
      `label=zpanel.namespace=${namespace}`,
      '--filter',
      `label=zpanel.application=${applicationId}`,
      '--format',
      '{{.Names}}',
    )
      .split('\n')
      .filter(Boolean);

  /** Who answers the app's alias on the network. */
  const aliasHolders = (applicationId: string, alias: string) =>
    containersOf(applicationId).filter((name) =>
      dockerCli('inspect', '-f', `{{json (index .NetworkSettings.Networks "${names.network}").Aliases}}`, name).includes(`"${alias}"`),
    );

  beforeAll(async () => {
    targets = serverTargetsOver(stores.dataSource, box);
    handler = handlerWith(targets);
    handler.timings = { heartbeatMs: 1_000, cancelPollMs: 200, waitPollMs: 200, logBatchMs: 50, drainMs: 200 };
    repo = await createGitFixture('sample');

    const team = await seedTeamWithServer(stores.dataSource, {
      team: 'deployments',
      server: { ...testServerAddress(), name: 'deploy', status: 'ready' },
      privateKey: testServerKey(box),
    });
    workspace = { ...team, ...(await seedEnvironment(stores.dataSource, team)) };
    ({ teamId, serverId, environmentId, keyId } = workspace);
    target = (await targets.load(serverId))?.target as PooledTarget;
  });

  afterAll(async () => {
    // Everything this suite created carries its namespace: remove exactly that.
    removeDockerNamespace(namespace);
    await repo.close();
  });

  it('deploys from git, redeploys a change, rolls back without a build, and keeps serving when a health check fails', async () => {
    await repo.commit(appFiles('v1'), 'v1');
    const app = await addApplication('sample', {});
    const alias = names.appAlias('sample');
    await setVariable(app.id, 'BUILD_TOKEN', 'tok-3xQ9-secret', { buildTime: true, runtime: false });
    await setVariable(app.id, 'GREETING', 'it\'s "quoted" $HOME\nand multi-line', { buildTime: false, runtime: true });

    const started = Date.now();
    const first = await deploy(app.id);
    const firstMs = Date.now() - started;
    expect(first).toMatchObject({
      status: 'success',
      step: 'done',
      reason: null,
      imageTag: names.appImage('sample', first.id),
      containerName: names.appContainer('sample', first.id),
    });
    expect(first.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(await answer(first.containerName as string)).toBe('v1');
    expect(aliasHolders(app.id, alias)).toEqual([first.containerName]);
    // Runtime variables reach the container byte-exact.
    const env = JSON.parse(dockerCli('inspect', '-f', '{{json .Config.Env}}', first.containerName as string)) as string[];
    expect(env).toContain('GREETING=it\'s "quoted" $HOME\nand multi-line');
    expect(dockerCli('inspect', '-f', '{{.HostConfig.Init}}', first.containerName as string)).toBe('true');

    const log = await logOf(first.id);
    expect(log.map((l) => Number(l.seq))).toEqual(log.map((_, i) => i + 1));
    const text = log.map((l) => l.line).join('\n');
    expect(text).toContain(`run ${RUN_NONCE} building with token ********`);
    expect(text).not.toContain('tok-3xQ9-secret');
    const events = (await stores.live.range(LiveTopics.deploymentLogs(first.id), '0', 10_000)).map((e) => e.event as DeploymentLiveEvent);
    expect(events[events.length - 1]).toEqual({ type: 'status', status: 'success', step: 'done', reason: null, reasonCode: null });
    const liveLines = events.flatMap((e) => (e.type === 'lines' ? e.lines.map((l) => l.seq) : []));
    expect(liveLines).toEqual(log.map((l) => Number(l.seq)));
    // One event when it started, one when it succeeded, to the team, with the place and a link to the deployment.
    expect(await notifiedAbout(first.id)).toEqual([
      { kind: 'deployment.started', title: 'Deployment of sample (production) started' },
      { kind: 'deployment.succeeded', title: 'Deployment of sample (production) succeeded' },
    ]);
    const [succeeded] = await notificationEventsAbout(stores.dataSource, first.id, 'deployment.succeeded');
    expect(succeeded).toMatchObject({
      teamId,
      projectId: workspace.projectId,
      environmentId,
      severity: 'success',
      url: `/applications/${app.id}/deployments/${first.id}`,
      subjectType: 'deployment',
      subjectName: 'sample',
      data: expect.objectContaining({ deploymentId: first.id, applicationId: app.id, commit: first.commitSha, trigger: 'manual' }),
    });
    expect(JSON.stringify(succeeded)).not.toContain('tok-3xQ9-secret');

    await repo.commit({ 'www/index.html': 'v2' }, 'v2');
    const second = await deploy(app.id);
    expect(second.status).toBe('success');
    expect(second.commitSha).not.toBe(first.commitSha);
    expect(await answer(second.containerName as string)).toBe('v2');
    expect(containersOf(app.id)).toEqual([second.containerName]);

    const rollback = await deploy(app.id, {
      trigger: 'rollback',
      sourceDeploymentId: first.id,
      imageTag: first.imageTag,
      commitSha: first.commitSha,
    });
    expect(rollback).toMatchObject({ status: 'success', imageTag: first.imageTag });
    expect(await answer(rollback.containerName as string)).toBe('v1');
    const rollbackLog = (await logOf(rollback.id)).map((l) => l.line).join('\n');
    expect(rollbackLog).toContain('no clone, no build');
    expect(rollbackLog).not.toMatch(/Building|Cloning|Step \d/);

    await applications().change(team(), app.id, {
      healthCheck: { type: 'http', path: '/missing', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 2, retries: 2 },
    });
    const broken = await deploy(app.id);
    expect(broken).toMatchObject({ status: 'failed', step: 'health' });
    expect(broken.reason).toMatch(/Health check failed: HTTP GET \/missing on port 8080 did not pass after 2 tries \(last: HTTP 404\)/);
    expect(containersOf(app.id)).toEqual([rollback.containerName]);
    expect(aliasHolders(app.id, alias)).toEqual([rollback.containerName]);
    expect(await answer(rollback.containerName as string)).toBe('v1');
    // The failure says where, at which step and why.
    expect(await notifiedAbout(broken.id)).toEqual([
      { kind: 'deployment.started', title: 'Deployment of sample (production) started' },
      { kind: 'deployment.failed', title: 'Deployment of sample (production) failed' },
    ]);
    const [failed] = await notificationEventsAbout(stores.dataSource, broken.id, 'deployment.failed');
    expect(failed).toMatchObject({
      severity: 'error',
      url: `/applications/${app.id}/deployments/${broken.id}`,
      data: expect.objectContaining({ step: 'health' }),
    });
    expect(failed.message).toContain('Failed at the health step: Health check failed: HTTP GET /missing');

    // Reported by the suite for the measurements: a cold first deploy on the test server.
    process.stdout.write(`deploy wall time (first, cold build): ${firstMs} ms\n`);
  });

  it("never sends the worker host's files: a base directory linked to / is refused with the reason, links inside the context reach the image as links, .dockerignore is honoured", async () => {
    const linked = await createGitFixture('linked');
    try {
      await linked.commit(
        {
          Dockerfile: [
            `FROM ${BASE_IMAGE}`,
            'COPY . /src',
            `RUN mkdir /www && echo "host -> $(readlink /src/host); files: $(ls -A /src | tr '\\n' ' ')" > /www/index.html`,
            'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
            '',
          ].join('\n'),
          '.dockerignore': 'secret.txt\n',
          'secret.txt': 'not for the image\n',
        },
        'links',
        { lnk: '/', host: '/etc' },
      );
      const app = await addApplication('linked', { gitUrl: linked.url, gitBranch: linked.branch });
      const done = await deploy(app.id);
      expect(done.status).toBe('success');
      expect((await answer(done.containerName as string)).trim()).toBe('host -> /etc; files: .dockerignore Dockerfile host lnk');

      const hostile = await addApplication('linked-out', {
        gitUrl: linked.url,
        gitBranch: linked.branch,
        baseDirectory: 'lnk/etc',
        dockerfilePath: 'hostname',
      });
      const refused = await deploy(hostile.id);
      expect(refused).toMatchObject({ status: 'failed', step: 'source', imageTag: null });
      expect(refused.reason).toMatch(/^The base directory lnk\/etc leads outside the repository through a symbolic link/);
      expect(dockerCli('images', '-q', '--filter', `label=zpanel.application=${hostile.id}`)).toBe('');
      expect((await logOf(refused.id)).map((l) => l.line).join('\n')).not.toContain(readFileSync('/etc/hostname', 'utf8').trim());
    } finally {
      await linked.close();
    }
  });

  it('keeps the images of live deployments, not of builds that never went live, marks a rollback gone with its image, and leaves one tag per image after cached redeploys', async () => {
    const retained = await createGitFixture('retained');
    try {
      await retained.commit(appFiles('r1'), 'r1');
      const app = await addApplication('retained', { gitUrl: retained.url, gitBranch: retained.branch, keepImages: 2 });
      const tags = () =>
        dockerCli('images', '--filter', `label=zpanel.application=${app.id}`, '--format', '{{.Repository}}:{{.Tag}}')
          .split('\n')
          .filter(Boolean)
          .sort();
      const reload = (id: string) => deployments().findOneByOrFail({ id });
      const healthy = app.healthCheck;
      const change = async (version: string) => retained.commit({ 'www/index.html': version }, version);

      const live1 = await deploy(app.id);
      expect(live1.status).toBe('success');
      // Two builds that never go live (their health check fails): they must not push live1's image out.
      await applications().change(team(), app.id, {
        healthCheck: { type: 'http', path: '/missing', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 2, retries: 1 },
      });
      await change('r2');
      expect((await deploy(app.id)).status).toBe('failed');
      await change('r3');
      expect((await deploy(app.id)).status).toBe('failed');
      await applications().change(team(), app.id, { healthCheck: healthy });
      await change('r4');
      const live2 = await deploy(app.id);
      expect(live2.status).toBe('success');
      expect(tags()).toEqual([live1.imageTag, live2.imageTag].sort());
      expect((await reload(live1.id)).imagePrunedAt).toBeNull();

      const rollback = await deploy(app.id, {
        trigger: 'rollback',
        sourceDeploymentId: live1.id,
        imageTag: live1.imageTag,
        commitSha: live1.commitSha,
      });
      expect(rollback.status).toBe('success');
      expect(await answer(rollback.containerName as string)).toBe('r1');

      // Two more live versions (keepImages 2): live1's image goes, and with it what the rollback ran.
      await change('r5');
      const live3 = await deploy(app.id);
      await change('r6');
      const live4 = await deploy(app.id);
      expect([live3.status, live4.status]).toEqual(['success', 'success']);
      expect(tags()).toEqual([live3.imageTag, live4.imageTag].sort());
      expect((await reload(live1.id)).imagePrunedAt).not.toBeNull();
      expect((await reload(rollback.id)).imagePrunedAt).not.toBeNull();

      // Redeploys that change nothing build the same image again: its older tags go, one stays.
      const cached = await deploy(app.id);
      const cachedAgain = await deploy(app.id);
      expect([cached.status, cachedAgain.status]).toEqual(['success', 'success']);
      expect(tags()).toEqual([live3.imageTag, cachedAgain.imageTag].sort());
      expect((await reload(live4.id)).imagePrunedAt).not.toBeNull();
      expect(await answer(cachedAgain.containerName as string)).toBe('r6');
    } finally {
      await retained.close();
    }
  });

  it("resolves a linked database's references at deploy time into the build and the container only, redacts them from the log, and fails at source once the database is gone while the running version keeps serving", async () => {
    const nonce = randomUUID();
    const linkedRepo = await createGitFixture('linked-db');
    try {
      await linkedRepo.commit(
        {
          Dockerfile: [
            `FROM ${BASE_IMAGE}`,
            'ARG DATABASE_URL',
            'ARG DB_HOST',
            `RUN echo "run ${nonce} url=$DATABASE_URL host=$DB_HOST"`,
            'COPY www /www',
            'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
            '',
          ].join('\n'),
          'www/index.html': 'linked',
        },
        'linked',
      );
      const password = generateDatabasePassword();
      const database = await seedDatabase(stores.dataSource, workspace, {
        database: { name: 'linked-pg' },
        password: (id) => box.seal(password, databasePasswordAad(id)),
      });
      const app = await addApplication('linked-app', { gitUrl: linkedRepo.url, gitBranch: linkedRepo.branch });
      await setVariable(app.id, 'DATABASE_URL', '${{ linked-pg.DATABASE_URL }}', { buildTime: true, runtime: true });
      await setVariable(app.id, 'DB_HOST', '${{linked-pg.HOST}}', { buildTime: true, runtime: false });
      await setVariable(
        app.id,
        'EMBEDDED',
        'postgres://${{ linked-pg.USER }}:${{ linked-pg.PASSWORD }}@${{ linked-pg.HOST }}/x?$${{ not.A_REFERENCE }}',
        {
          buildTime: false,
          runtime: true,
        },
      );
      // A password rotation asked for a redeploy of the applications linked to it: the next successful deployment clears it.
      const marked = await applications().markReferencingDatabaseForRedeploy(team(), database, 'The password of linked-pg was rotated');
      expect(marked.map((a) => a.name)).toEqual(['linked-app']);

      const first = await deploy(app.id);
      expect(first).toMatchObject({ status: 'success', reason: null });
      const host = names.databaseAlias(database.id);
      const env = JSON.parse(dockerCli('inspect', '-f', '{{json .Config.Env}}', first.containerName as string)) as string[];
      expect(env).toEqual(
        expect.arrayContaining([
          `DATABASE_URL=postgresql://app:${password}@${host}:5432/app`,
          `EMBEDDED=postgres://app:${password}@${host}/x?\${{ not.A_REFERENCE }}`,
        ]),
      );
      expect(env.some((line) => line.startsWith('DB_HOST='))).toBe(false);
      const text = (await logOf(first.id)).map((l) => l.line).join('\n');
      expect(text).toContain(`run ${nonce} url=******** host=${host}`);
      expect(text).not.toContain(password);
      // Resolved values live in the container's environment only: the stored rows keep the sealed references.
      const stored = JSON.stringify([
        await stores.dataSource.query(`SELECT * FROM "deployments" WHERE "id" = $1`, [first.id]),
        await stores.dataSource.query(`SELECT * FROM "env_vars" WHERE "application_id" = $1`, [app.id]),
      ]);
      expect(stored).not.toContain(password);
      expect(stored).not.toContain(host);
      expect((await applications().get(team(), app.id)).redeployReason).toBeNull();

      // The database deleted: the next deployment stops at source with the variable named, nothing changes on the server.
      await stores.dataSource.query(`DELETE FROM "databases" WHERE "id" = $1`, [database.id]);
      const refused = await deploy(app.id);
      expect(refused).toMatchObject({ status: 'failed', step: 'source', reasonCode: 'variables.reference_unresolved', imageTag: null });
      expect(refused.reason).toBe(
        'The variable DATABASE_URL references ${{ linked-pg.DATABASE_URL }}, but the environment has no database linked-pg (deleted or renamed?).',
      );
      expect((await logOf(refused.id)).map((l) => l.line)).toContain(`==> Failed: ${refused.reason}`);
      expect(containersOf(app.id)).toEqual([first.containerName]);
      expect(await answer(first.containerName as string)).toBe('linked');

      // A database on another server is not on the application's Zpanel network: refused the same way.
      const elsewhere = await seedServer(stores.dataSource, workspace, { name: 'elsewhere' });
      await seedDatabase(stores.dataSource, { ...workspace, serverId: elsewhere }, { database: { name: 'linked-pg' } });
      const away = await deploy(app.id);
      expect(away).toMatchObject({ status: 'failed', step: 'source', reasonCode: 'variables.reference_unresolved' });
      expect(away.reason).toMatch(
        /^The variable DATABASE_URL references \$\{\{ linked-pg\.DATABASE_URL \}\}, but linked-pg runs on another server than the application/,
      );
      expect(containersOf(app.id)).toEqual([first.containerName]);
    } finally {
      await linkedRepo.close();
    }
  });

  it('deploys an image reference, pulling nothing the server already has', async () => {
    const context = await mkdtemp(join(tmpdir(), 'zpanel-image-spec-'));
    const reference = `${namespace}-fixture/web:1`;
    try {
      await writeFile(
        join(context, 'Dockerfile'),
        `FROM ${BASE_IMAGE}\nRUN mkdir /www && echo image-v1 > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`,
      );
      dockerCli('build', '-q', '--label', `zpanel.namespace=${namespace}`, '-t', reference, context);
    } finally {
      await rm(context, { recursive: true, force: true });
    }
    const app = await addApplication('from-image', { buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: reference });
    const done = await deploy(app.id);
    expect(done).toMatchObject({ status: 'success', imageTag: names.appImage('from-image', done.id) });
    expect((await answer(done.containerName as string)).trim()).toBe('image-v1');
    const text = (await logOf(done.id)).map((l) => l.line).join('\n');
    expect(text).toContain(`Using ${reference} (already on the server)`);
  });

  it('waits while another deployment of the application runs, and skips one that is no longer queued', async () => {
    const app = await addApplication('waiter', { buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: BASE_IMAGE });
    const of = { teamId, applicationId: app.id };
    const running = await seedDeployment(stores.dataSource, of, { status: 'running', step: 'build', actorName: 'x', heartbeatAt: new Date() });
    const waiting = await seedDeployment(stores.dataSource, of, { actorName: 'x' });
    const outcome = handler.handle({ deploymentId: waiting.id }, context());
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await deployments().findOneByOrFail({ id: waiting.id })).status).toBe('queued');
    await deployments().update(waiting.id, { status: 'cancelled' });
    await deployments().update(running.id, { status: 'failed' });
    expect(await outcome).toEqual({ ran: false });
    // It never ran: nothing to tell.
    expect(await notifiedAbout(waiting.id)).toEqual([]);
  });

  it('shows a failure outside the steps only when it is meant for the user: any other error is an internal error, whatever its words', async () => {
    const app = await addApplication('outside-steps', { buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: BASE_IMAGE });
    const failingTargets = serverTargetsOver(stores.dataSource, box);
    const failing = handlerWith(failingTargets);
    failing.timings = handler.timings;
    const run = async () => {
      const row = await seedDeployment(stores.dataSource, { teamId, applicationId: app.id });
      await failing.handle({ deploymentId: row.id }, context());
      return { row: await deployments().findOneByOrFail({ id: row.id }), log: (await logOf(row.id)).map((l) => l.line).join('\n') };
    };

    // Words that happen to start like a sentence for people are not a reason to show them.
    jest.spyOn(failingTargets, 'load').mockRejectedValueOnce(new Error('The key file /var/lib/zpanel/secret.key could not be read'));
    const internal = await run();
    expect(internal.row).toMatchObject({
      status: 'failed',
      reason: 'Zpanel could not run the deployment (an internal error; see the worker log).',
      reasonCode: 'deployment.internal',
    });
    expect(internal.log).not.toContain('secret.key');

    jest.spyOn(failingTargets, 'load').mockResolvedValueOnce(undefined);
    const gone = await run();
    expect(gone.row).toMatchObject({
      status: 'failed',
      reason: 'The server of the application no longer exists.',
      reasonCode: 'deployment.server_gone',
    });
    expect(gone.log).toContain('==> Failed: The server of the application no longer exists.');
  });

  it("pins the git host's key at the first ssh clone and fails a deployment when the host shows another", async () => {
    // A repository served by the test sshd's git-upload-pack, reached with a deploy key like a private repository.
    const remoteDir = `/tmp/zp-deploy-ssh-${namespace}`;
    const onServer = (command: string) =>
      execFileSync('ssh', testSshArgv(ssh, command), {
        encoding: 'utf8',
      });
    const dir = quoteShellArg(remoteDir);
    const files = appFiles('over ssh');
    onServer(
      [
        `git init -q -b main ${dir}`,
        `mkdir -p ${dir}/www`,
        `printf '%s' ${quoteShellArg(files.Dockerfile)} > ${dir}/Dockerfile`,
        `printf '%s' ${quoteShellArg(files['www/index.html'])} > ${dir}/www/index.html`,
        `git -C ${dir} add -A`,
        `git -C ${dir} -c user.name=zpanel -c user.email=t@zpanel.test commit -q -m ssh`,
      ].join(' && '),
    );
    try {
      const app = await addApplication('private', {
        gitUrl: `ssh://${ssh.username}@${ssh.host}:${ssh.port}${remoteDir}`,
        gitBranch: 'main',
        deployKeyId: keyId,
      });
      const first = await deploy(app.id);
      expect(first).toMatchObject({ status: 'success', reason: null });
      expect(await answer(first.containerName as string)).toBe('over ssh');
      const pinned = (await applications().get(team(), app.id)).gitHostKey as string;
      expect(pinned).toMatch(new RegExp(`^\\[${ssh.host.replace(/\./g, '\\.')}\\]:${ssh.port} ssh-`));
      expect((await logOf(first.id)).map((l) => l.line).join('\n')).toMatch(/Pinned the git host's key at first use: ssh-\S+ SHA256:/);

      // The same host presenting a key other than the pinned one: refused before anything is built.
      const impostor = `[${ssh.host}]:${ssh.port} ${generateSshKeyPair('impostor').publicKey.split(' ').slice(0, 2).join(' ')}`;
      await applications().change(team(), app.id, { gitHostKey: impostor });
      const refused = await deploy(app.id);
      expect(refused).toMatchObject({ status: 'failed', step: 'source', reasonCode: 'git.host_key_changed' });
      expect(refused.reason).toMatch(/^The git host's key changed; /);
      // A failed clone pins nothing: the impostor line stays until the user forgets it.
      expect((await applications().get(team(), app.id)).gitHostKey).toBe(impostor);
    } finally {
      onServer(`rm -rf ${dir}`);
    }
  });

  it('clones a private HTTPS repository with the sealed token, never logging it, and says what is missing without it', async () => {
    const TOKEN = 'glpat-handlerToken-5Qx8';
    const privateRepo = await createGitFixture('private', 'main', {
      authorization: `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
    });
    try {
      // A Dockerfile that would print the token if it reached the build.
      await privateRepo.commit({ ...appFiles('private v1'), 'www/token.txt': TOKEN }, 'private');
      const app = await addApplication('private-https', { gitUrl: privateRepo.url, gitBranch: 'main' });
      const withoutToken = await deploy(app.id);
      expect(withoutToken).toMatchObject({ status: 'failed', step: 'source' });
      expect(withoutToken.reason).toMatch(/^The git host asks for credentials: set an HTTPS token/);

      await applications().change(team(), app.id, { gitToken: box.seal(TOKEN, gitTokenAad(app.id)) });
      const deployed = await deploy(app.id);
      expect(deployed).toMatchObject({ status: 'success', reason: null });
      expect(await answer(deployed.containerName as string)).toBe('private v1');
      const text = (await logOf(deployed.id)).map((l) => l.line).join('\n');
      expect(text).toContain('Checked out');
      expect(text).not.toContain(TOKEN);
    } finally {
      await privateRepo.close();
    }
  });
  it("deploys a preview from its pull request head with the previewed application's settings, token, variables and files, the preview overrides winning there only, a volume of its own and no bind mount", async () => {
    const TOKEN = 'glpat-previewToken-7Kd2';
    const bindRoot = await realpath(await mkdtemp(join(tmpdir(), 'zp-preview-bind-')));
    const privateRepo = await createGitFixture('previewed', 'main', {
      authorization: `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
    });
    try {
      await privateRepo.commit(appFiles('main'), 'main');
      const head = await privateRepo.pullRequest('refs/pull/4/head', { 'www/index.html': 'pr4' }, 'pr 4');
      const parent = await addApplication('pv-parent', { gitUrl: privateRepo.url, gitBranch: 'main' });
      await applications().change(team(), parent.id, { gitToken: box.seal(TOKEN, gitTokenAad(parent.id)) });
      await setVariable(parent.id, 'GREETING', 'from the application', { buildTime: false, runtime: true });
      const sealedFor = (owner: { environmentId: string | null; applicationId: string | null; preview?: boolean }, key: string, value: string) =>
        box.seal(value, envVarAad(owner, key));
      await stores.dataSource.getRepository(EnvVarEntity).save([
        {
          teamId,
          environmentId: null,
          applicationId: parent.id,
          preview: true,
          key: 'GREETING',
          value: sealedFor({ environmentId: null, applicationId: parent.id, preview: true }, 'GREETING', 'from the preview'),
          buildTime: false,
          runtime: true,
        },
        {
          teamId,
          environmentId,
          applicationId: null,
          key: 'SHARED',
          value: sealedFor({ environmentId, applicationId: null }, 'SHARED', 'from the environment'),
          buildTime: false,
          runtime: true,
        },
      ]);
      await new ServersRepository(stores.dataSource.manager).change(team(), serverId, { allowedBindRoots: [bindRoot] });
      const mounts = new ApplicationMountsRepository(stores.dataSource.manager);
      const base = { applicationId: parent.id, name: null, hostPath: null, readOnly: false, content: null, secret: false };
      await mounts.add(team(), randomUUID(), { ...base, kind: 'volume', name: 'data', mountPath: '/data' });
      await mounts.add(team(), randomUUID(), { ...base, kind: 'bind', hostPath: bindRoot, mountPath: '/host' });
      await mounts.add(team(), randomUUID(), {
        ...base,
        kind: 'file',
        mountPath: '/etc/app/config.yml',
        readOnly: true,
        content: 'from the application\n',
      });
      const mountsOf = (container: string) =>
        dockerCli('inspect', '-f', '{{range .Mounts}}{{.Type}}:{{.Name}}:{{.Destination}} {{end}}', container).trim().split(' ').sort();
      // Its own settings are stale copies: a wrong port and repository prove the worker reads the previewed application's.
      const preview = await addApplication('pv-parent-pr-4', {
        gitUrl: 'https://git.invalid/stale.git',
        port: 9999,
        keepImages: 1,
        previewOfId: parent.id,
        previewNumber: 4,
        previewProvider: 'github',
        previewRef: 'refs/pull/4/head',
      });

      const deployed = await deploy(preview.id, { commitSha: head });
      expect(deployed).toMatchObject({ status: 'success', commitSha: head, containerName: names.appContainer('pv-parent-pr-4', deployed.id) });
      // A preview's success is preview.deployed, not deployment.succeeded.
      expect(await notifiedAbout(deployed.id)).toEqual([
        { kind: 'deployment.started', title: 'Deployment of preview #4 of pv-parent (production) started' },
        { kind: 'preview.deployed', title: 'Preview #4 of pv-parent (production) deployed' },
      ]);
      expect(await answer(deployed.containerName as string)).toBe('pr4');
      const env = JSON.parse(dockerCli('inspect', '-f', '{{json .Config.Env}}', deployed.containerName as string)) as string[];
      expect(env).toEqual(expect.arrayContaining(['GREETING=from the preview', 'SHARED=from the environment']));
      const text = (await logOf(deployed.id)).map((l) => l.line).join('\n');
      expect(text).toContain(`Fetching ${privateRepo.url} (refs/pull/4/head, commit ${head})`);
      expect(text).not.toContain(TOKEN);
      // Pull request code gets a fresh volume named from the preview, the files, and none of the host's directories.
      expect(mountsOf(deployed.containerName as string)).toEqual([`volume:${names.appVolume(preview.id, 'data')}:/data`]);
      expect(dockerCli('exec', deployed.containerName as string, 'cat', '/etc/app/config.yml')).toBe('from the application');

      // The application itself never gets the preview overrides.
      const own = await deploy(parent.id);
      expect(own.status).toBe('success');
      expect(await answer(own.containerName as string)).toBe('main');
      const ownEnv = JSON.parse(dockerCli('inspect', '-f', '{{json .Config.Env}}', own.containerName as string)) as string[];
      expect(ownEnv).toEqual(expect.arrayContaining(['GREETING=from the application', 'SHARED=from the environment']));
      expect(ownEnv).not.toContain('GREETING=from the preview');
      expect(mountsOf(own.containerName as string)).toEqual([`bind::/host`, `volume:${names.appVolume(parent.id, 'data')}:/data`]);
    } finally {
      await privateRepo.close();
      await rm(bindRoot, { recursive: true, force: true });
    }
  });
  it('leaves nothing of an application deleted while its deployment runs (a pull request closed mid-deploy): not its container, not the image it built', async () => {
    await repo.commit(appFiles(`deleted mid-deploy ${randomUUID()}`), 'deleted mid-deploy');
    // A health check that keeps failing holds the deployment at `health`, with its image built and its container started.
    const app = await addApplication('deleted-mid-deploy', {
      healthCheck: { type: 'http', path: '/missing', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 1, retries: 60 },
    });
    const row = await seedDeployment(
      stores.dataSource,
      { teamId, applicationId: app.id },
      { trigger: 'webhook', actorName: 'GitHub webhook', userId: null, tokenId: null },
    );
    const running = handler.handle({ deploymentId: row.id }, context());
    await waitFor(
      async () => ((await deployments().findOneBy({ id: row.id }))?.step === 'health' ? true : undefined),
      60_000,
      'the deployment to reach its health check',
    );
    expect(dockerCli('images', '-q', '--filter', `label=zpanel.application=${app.id}`)).not.toBe('');
    await applications().deleteOne(team(), app.id);
    await running;
    expect(containersOf(app.id)).toEqual([]);
    expect(dockerCli('images', '-q', '--filter', `label=zpanel.application=${app.id}`)).toBe('');
    expect(await deployments().findOneBy({ id: row.id })).toBeNull();
    // Its end was not recorded (the row went with the application): only its start was told.
    expect((await notifiedAbout(row.id)).map((e) => e.kind)).toEqual(['deployment.started']);
  });

  it('tells the team once that a running deployment was cancelled, at the step it was in', async () => {
    await repo.commit(appFiles(`cancelled mid-deploy ${randomUUID()}`), 'cancelled mid-deploy');
    const app = await addApplication('cancelled-mid-deploy', {
      healthCheck: { type: 'http', path: '/missing', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 1, retries: 60 },
    });
    const row = await seedDeployment(stores.dataSource, { teamId, applicationId: app.id }, { userId: null, tokenId: null });
    const running = handler.handle({ deploymentId: row.id }, context());
    await waitFor(
      async () => ((await deployments().findOneBy({ id: row.id }))?.step === 'health' ? true : undefined),
      60_000,
      'the deployment to reach its health check',
    );
    await deployments().update(row.id, { cancelRequestedAt: new Date() });
    expect(await running).toEqual({ ran: true, status: 'cancelled' });
    expect(await notifiedAbout(row.id)).toEqual([
      { kind: 'deployment.started', title: 'Deployment of cancelled-mid-deploy (production) started' },
      { kind: 'deployment.cancelled', title: 'Deployment of cancelled-mid-deploy (production) cancelled' },
    ]);
    const [cancelled] = await notificationEventsAbout(stores.dataSource, row.id, 'deployment.cancelled');
    expect(cancelled.message).toContain('Cancelled at the health step');
  });

  it('keeps a named volume across a redeploy, a rollback and the recreate strategy (which stops the old container first), writes a secret file without logging it, and refuses a bind mount a link takes out of its root', async () => {
    const storage = await createGitFixture('storage');
    const bindBase = await realpath(await mkdtemp(join(tmpdir(), 'zp-bind-')));
    const root = join(bindBase, 'root');
    // The app tells what it finds: who else held the volume when it started, how often it booted, the file and the bind mount.
    const startScript = [
      'mkdir -p /www',
      "ls /data | grep '^running-' > /www/others",
      'touch "/data/running-$HOSTNAME"',
      'echo boot >> /data/boots',
      'cp /data/boots /www/boots',
      'cp /etc/app/config.yml /www/config',
      'cat /host/hello > /www/hello',
      'trap \'rm -f "/data/running-$HOSTNAME"; exit 0\' TERM',
      'httpd -f -p 8080 -h /www &',
      'wait',
      '',
    ].join('\n');
    try {
      await storage.commit(
        {
          Dockerfile: [`FROM ${BASE_IMAGE}`, 'COPY start.sh /start.sh', 'CMD ["sh", "/start.sh"]', ''].join('\n'),
          'start.sh': startScript,
        },
        'storage',
      );
      await mkdir(join(root, 'site'), { recursive: true });
      await writeFile(join(root, 'site', 'hello'), 'from the host\n');
      await symlink('/etc', join(root, 'escape'));
      await new ServersRepository(stores.dataSource.manager).change(team(), serverId, { allowedBindRoots: [root] });

      const app = await addApplication('storage', { gitUrl: storage.url, gitBranch: storage.branch });
      const mounts = new ApplicationMountsRepository(stores.dataSource.manager);
      const base = { applicationId: app.id, name: null, hostPath: null, readOnly: false, content: null, secret: false };
      await mounts.add(team(), randomUUID(), { ...base, kind: 'volume', name: 'data', mountPath: '/data' });
      const fileId = randomUUID();
      const fileContent = 'token: s3cret-file-token\n';
      await mounts.add(team(), fileId, {
        ...base,
        kind: 'file',
        mountPath: '/etc/app/config.yml',
        readOnly: true,
        secret: true,
        content: box.seal(fileContent, mountContentAad(fileId)),
      });
      const bindId = randomUUID();
      await mounts.add(team(), bindId, { ...base, kind: 'bind', hostPath: join(root, 'site'), mountPath: '/host', readOnly: true });

      const first = await deploy(app.id);
      expect(first.status).toBe('success');
      const firstName = first.containerName as string;
      expect(await answer(firstName, '/boots')).toBe('boot\n');
      expect(await answer(firstName, '/config')).toBe(fileContent);
      expect(await answer(firstName, '/hello')).toBe('from the host\n');
      expect(await answer(firstName, '/others')).toBe('');
      const volume = names.appVolume(app.id, 'data');
      expect(dockerCli('volume', 'inspect', '-f', '{{json .Labels}}', volume)).toContain(`"zpanel.team":"${teamId}"`);
      expect(dockerCli('inspect', '-f', '{{range .Mounts}}{{.Type}}:{{.Destination}}:{{.RW}} {{end}}', firstName).trim().split(' ').sort()).toEqual([
        'bind:/host:false',
        'volume:/data:true',
      ]);
      // The file went in through the archive API: not in the container's command, environment or the log.
      expect(dockerCli('inspect', firstName)).not.toContain('s3cret-file-token');
      expect(dockerCli('exec', firstName, 'stat', '-c', '%a %u', '/etc/app/config.yml')).toBe('444 0');
      const firstLog = (await logOf(first.id)).map((l) => l.line).join('\n');
      expect(firstLog).toContain(`Volume data (${volume}) at /data`);
      expect(firstLog).not.toContain('s3cret-file-token');

      // rolling (the default): the new container started while the old one still held the volume.
      // A change of the image, so the first one stays for the rollback (a cached rebuild would be the same image).
      await storage.commit({ 'start.sh': `# v2\n${startScript}` }, 'v2');
      const second = await deploy(app.id);
      expect(second.status).toBe('success');
      expect(await answer(second.containerName as string, '/boots')).toBe('boot\nboot\n');
      expect(await answer(second.containerName as string, '/others')).toMatch(/^running-/);

      const rollback = await deploy(app.id, {
        trigger: 'rollback',
        sourceDeploymentId: first.id,
        imageTag: first.imageTag,
        commitSha: first.commitSha,
      });
      expect(rollback.status).toBe('success');
      expect(await answer(rollback.containerName as string, '/boots')).toBe('boot\nboot\nboot\n');

      // recreate: the old container was stopped (and let go of the volume) before the new one started.
      await applications().change(team(), app.id, { deployStrategy: 'recreate' });
      const recreated = await deploy(app.id);
      expect(recreated.status).toBe('success');
      expect(await answer(recreated.containerName as string, '/boots')).toBe('boot\nboot\nboot\nboot\n');
      expect(await answer(recreated.containerName as string, '/others')).toBe('');
      expect((await logOf(recreated.id)).map((l) => l.line).join('\n')).toContain('stopping the previous containers first');

      // A link inside the allowed root to /etc: refused on the server before anything stops, even with recreate.
      await mounts.change(team(), bindId, { hostPath: join(root, 'escape') });
      const escaped = await deploy(app.id);
      expect(escaped).toMatchObject({ status: 'failed', step: 'start', reasonCode: 'mount.path_outside' });
      expect(escaped.reason).toContain('leads to /etc');
      expect(containersOf(app.id)).toEqual([recreated.containerName]);
      expect(await answer(recreated.containerName as string, '/boots')).toBe('boot\nboot\nboot\nboot\n');
    } finally {
      await storage.close();
      await rm(bindBase, { recursive: true, force: true });
    }
  });

  it("removes a replaced, failed or deleted container's anonymous volumes (an image declaring VOLUME), never a named one", async () => {
    const cached = await createGitFixture('anonymous-volume');
    try {
      // Built FROM a database image, an app gets an anonymous volume per container: one per deployment would pile up.
      const dockerfile = (version: string) =>
        [
          `FROM ${BASE_IMAGE}`,
          'VOLUME /cache',
          `RUN mkdir -p /www && echo ${version} > /www/index.html`,
          'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
          '',
        ].join('\n');
      await cached.commit({ Dockerfile: dockerfile('v1') }, 'v1');
      const app = await addApplication('anonymous-volume', { gitUrl: cached.url, gitBranch: cached.branch });
      const mounts = new ApplicationMountsRepository(stores.dataSource.manager);
      const base = { applicationId: app.id, name: null, hostPath: null, readOnly: false, content: null, secret: false };
      await mounts.add(team(), randomUUID(), { ...base, kind: 'volume', name: 'data', mountPath: '/data' });
      const named = names.appVolume(app.id, 'data');
      /** The anonymous volume Docker made for the container's /cache. */
      const anonymousOf = (container: string) =>
        dockerCli('inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/cache"}}{{.Name}}{{end}}{{end}}', container);
      const volumeExists = (name: string) => dockerCli('volume', 'ls', '-q', '--filter', `name=^${name}$`) === name;

      const first = await deploy(app.id);
      expect(first.status).toBe('success');
      const firstAnonymous = anonymousOf(first.containerName as string);
      expect(firstAnonymous).toMatch(/^[0-9a-f]{64}$/);
      dockerCli('exec', first.containerName as string, 'sh', '-c', 'echo kept > /data/mark');

      await cached.commit({ Dockerfile: dockerfile('v2') }, 'v2');
      const second = await deploy(app.id);
      expect(second.status).toBe('success');
      const secondAnonymous = anonymousOf(second.containerName as string);
      expect(secondAnonymous).toMatch(/^[0-9a-f]{64}$/);
      // The replaced container went with its anonymous volume; the named one stayed, data and all.
      expect([volumeExists(firstAnonymous), volumeExists(secondAnonymous), volumeExists(named)]).toEqual([false, true, true]);
      expect(dockerCli('exec', second.containerName as string, 'cat', '/data/mark')).toBe('kept');

      // A deployment that fails its health check: its new container goes, anonymous volume too; the serving one keeps its own.
      await applications().change(team(), app.id, {
        healthCheck: { type: 'http', path: '/missing', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 1, retries: 5 },
      });
      const row = await seedDeployment(stores.dataSource, { teamId, applicationId: app.id }, { userId: null, tokenId: null });
      const running = handler.handle({ deploymentId: row.id }, context());
      const brokenAnonymous = await waitFor(
        async () =>
          (await deployments().findOneBy({ id: row.id }))?.step === 'health'
            ? anonymousOf(names.appContainer('anonymous-volume', row.id))
            : undefined,
        60_000,
        'the failing deployment to reach its health check',
      );
      await running;
      expect(await deployments().findOneByOrFail({ id: row.id })).toMatchObject({ status: 'failed', step: 'health' });
      expect(brokenAnonymous).toMatch(/^[0-9a-f]{64}$/);
      expect(volumeExists(brokenAnonymous)).toBe(false);
      expect(containersOf(app.id)).toEqual([second.containerName]);
      expect(volumeExists(secondAnonymous)).toBe(true);

      // Deleted without deleteVolumes: the anonymous volume goes with the container, the named volume stays.
      const docker = pool.docker(target);
      try {
        expect((await cleanUpApplication(new DockerDeploymentOps(docker, names, app.id), 1)).containers).toBe(1);
      } finally {
        releaseDocker(docker);
      }
      expect([volumeExists(secondAnonymous), volumeExists(named)]).toEqual([false, true]);
    } finally {
      await cached.close();
    }
  });

  it('resolves a host path on the server with one argv: hostile paths are refused or taken literally, and create nothing', async () => {
    const canary = join(tmpdir(), `zp-canary-${randomUUID()}`);
    const ops = new DockerDeploymentOps(pool.docker(target), names, randomUUID(), pool.shell(target));
    const payloads = injectionPayloads(canary);
    const outcomes = await Promise.all(
      payloads.map(async (payload) => [
        await ops.resolveHostPath(payload).catch((error: Error) => error.message),
        await ops.resolveHostPath(`/tmp/${payload}`),
      ]),
    );
    // Literally: `/tmp/../../etc/passwd` is /etc/passwd (the pipeline never asks for a path with a `..`, its checks refuse them first).
    expect(outcomes).toEqual(payloads.map((p) => ['a host path to resolve must be absolute', p === '../../etc/passwd' ? '/etc/passwd' : null]));
    expect(existsSync(canary)).toBe(false);
    expect(await ops.resolveHostPath('/var/run/docker.sock')).toBe(realpathSync('/var/run/docker.sock'));
  });
});
