import { randomBytes } from 'node:crypto';
import { type ApplicationDto, type DeploymentDto, type EnvVarDto } from '@zpanel/contracts';
import { zpanelDockerNames } from '@zpanel/core';
import {
  DATABASE_APP_ROWS_PATH,
  QUICK_HTTP_HEALTH_CHECK,
  allLogLines,
  databaseAppFiles,
  databaseAppRows,
  deploymentFinished,
  dockerCli,
  freePort,
  getThroughProxy,
  proxyAnswer,
  queueDeployment,
  removeTestContainers,
  testRunLabel,
  useGitApplication,
  useOwnedStack,
  databasesOf,
  dockerObjectsOf,
  execInContainer,
} from '@zpanel/testing';

describe('databases end to end (built api + worker, the test server, Caddy, the engine images)', () => {
  const domain = `app-${randomBytes(4).toString('hex')}.databases.test`;
  const suite = useOwnedStack({ worker: true });
  const { asOwner } = suite;
  const databases = databasesOf(asOwner);
  const sample = useGitApplication(suite, 'database-reader', databaseAppFiles('v1'), {
    name: 'reader',
    domains: [domain],
    healthCheck: QUICK_HTTP_HEALTH_CHECK,
    stopGraceSeconds: 1,
  });
  const names = () => zpanelDockerNames(suite.stack.dockerNamespace);
  const inEnvironment = () => ({ environmentId: sample.app.environmentId, serverId: sample.server.id });
  const rows = () => getThroughProxy(suite.stack.proxyHttpPort, domain, DATABASE_APP_ROWS_PATH);
  const deploy = async (): Promise<DeploymentDto> => deploymentFinished(asOwner, (await queueDeployment(asOwner, sample.app.id)).id, 180_000);
  const application = async () => (await asOwner<ApplicationDto>('GET', `/api/v1/applications/${sample.app.id}`)).body;

  afterAll(() => removeTestContainers('port-holder'));

  it('a linked PostgreSQL keeps its rows across redeploys, a restart, a stop and start and a rollback; the app follows a password rotation; a delete keeps the volume', async () => {
    const mainDb = await databases.running({ ...inEnvironment(), name: 'main-db', engine: 'postgresql', image: 'zpanel-test/postgres:15' });
    expect(mainDb).toMatchObject({
      status: 'running',
      engine: 'postgresql',
      image: 'zpanel-test/postgres:15',
      internalHost: names().databaseAlias(mainDb.id),
    });
    expect(dockerCli('inspect', '-f', '{{.State.Running}}', names().databaseAlias(mainDb.id))).toBe('true');

    const linked = await asOwner<EnvVarDto>('PUT', `/api/v1/applications/${sample.app.id}/env/DATABASE_URL`, {
      value: '${{ main-db.DATABASE_URL }}',
    });
    expect(linked.status).toBe(200);
    expect(linked.body.references).toEqual([{ database: 'main-db', variable: 'DATABASE_URL' }]);
    const { password } = await databases.credentials(mainDb.id);

    const first = await deploy();
    expect(first).toMatchObject({ status: 'success' });
    expect(await proxyAnswer(suite.stack.proxyHttpPort, domain, { path: DATABASE_APP_ROWS_PATH })).toMatchObject({ body: databaseAppRows('v1') });
    expect((await allLogLines(asOwner, first.id)).filter((line) => line.line.includes(password))).toEqual([]);

    await sample.repo.commit({ 'www/version': 'v2' }, 'v2');
    expect(await deploy()).toMatchObject({ status: 'success' });
    expect(await rows()).toEqual({ status: 200, body: databaseAppRows('v1', 'v2') });

    // Once the operation succeeded the engine accepts connections again: the app's next read works.
    expect(await databases.act(mainDb.id, 'restart')).toMatchObject({ status: 'running' });
    expect(await rows()).toEqual({ status: 200, body: databaseAppRows('v1', 'v2') });

    expect(await databases.act(mainDb.id, 'stop')).toMatchObject({ status: 'stopped' });
    expect(dockerCli('inspect', '-f', '{{.State.Running}}', names().databaseAlias(mainDb.id))).toBe('false');
    const whileStopped = await rows();
    expect(whileStopped.status).toBe(503);
    expect(await databases.act(mainDb.id, 'start')).toMatchObject({ status: 'running' });
    expect(await rows()).toEqual({ status: 200, body: databaseAppRows('v1', 'v2') });

    const rollback = await asOwner<DeploymentDto>('POST', `/api/v1/deployments/${first.id}/rollback`);
    expect(rollback.status).toBe(202);
    expect(await deploymentFinished(asOwner, rollback.body.id, 180_000)).toMatchObject({ status: 'success', trigger: 'rollback' });
    expect(await rows()).toEqual({ status: 200, body: databaseAppRows('v1', 'v2', 'v1') });

    expect(await databases.act(mainDb.id, 'rotate-password')).toMatchObject({ status: 'running' });
    const rotated = await databases.credentials(mainDb.id);
    expect(rotated.password).not.toBe(password);
    expect((await application()).pendingRedeploy).toEqual({ reason: expect.any(String), since: expect.any(String) });
    // The running container still has the old password: a new connection is refused.
    const stale = await rows();
    expect(stale.status).toBe(503);
    expect(stale.body).toContain('password authentication failed');

    await sample.repo.commit({ 'www/version': 'v3' }, 'v3');
    const afterRotation = await deploy();
    expect(afterRotation).toMatchObject({ status: 'success' });
    expect(await rows()).toEqual({ status: 200, body: databaseAppRows('v1', 'v2', 'v1', 'v3') });
    expect((await application()).pendingRedeploy).toBeNull();
    expect((await allLogLines(asOwner, afterRotation.id)).filter((line) => line.line.includes(rotated.password))).toEqual([]);

    const volume = names().databaseVolume(mainDb.id);
    await databases.deleted(mainDb.id, false);
    expect(dockerObjectsOf(mainDb.id)).toEqual({ containers: [], volumes: [volume] });
    // The volume still holds the engine's data directory.
    const kept = dockerCli(
      'run',
      '--rm',
      '--label',
      testRunLabel(),
      '--network',
      'none',
      '-v',
      `${volume}:/data:ro`,
      'zpanel-test/busybox',
      'cat',
      '/data/PG_VERSION',
    );
    expect(kept.trim()).toBe('15');

    // The reference no longer resolves: the next deployment fails before anything runs, the running version keeps serving.
    const unresolved = await deploy();
    expect(unresolved).toMatchObject({ status: 'failed', step: 'source', reasonCode: 'variables.reference_unresolved' });
    expect(await getThroughProxy(suite.stack.proxyHttpPort, domain, '/')).toEqual({ status: 200, body: 'ok' });
  }, 900_000);

  it('MariaDB, Redis and another PostgreSQL run, take their credentials (not a wrong password), and go with their data', async () => {
    const [mariadb, redis, postgres] = await Promise.all([
      databases.running({ ...inEnvironment(), name: 'maria', engine: 'mariadb', image: 'zpanel-test/mariadb:10.11' }),
      databases.running({ ...inEnvironment(), name: 'cache', engine: 'redis', image: 'zpanel-test/redis:7' }),
      databases.running({ ...inEnvironment(), name: 'scratch', engine: 'postgresql', image: 'zpanel-test/postgres:15' }),
    ]);
    for (const database of [mariadb, redis, postgres]) expect(database.status).toBe('running');
    const wrong = 'Wrong0password0for0the0test0only0xx';

    const maria = await databases.credentials(mariadb.id);
    const mariaLogin = (pw: string) =>
      execInContainer(names().databaseAlias(mariadb.id), { MYSQL_PWD: pw }, [
        'mariadb',
        '--protocol=tcp',
        '-h',
        '127.0.0.1',
        '-P',
        '3306',
        '-u',
        maria.userName,
        '-D',
        maria.databaseName,
        '-N',
        '-e',
        'SELECT CURRENT_USER()',
      ]);
    expect(mariaLogin(maria.password)).toEqual({ ok: true, output: `${maria.userName}@%` });
    expect(mariaLogin(wrong)).toMatchObject({ ok: false, output: expect.stringContaining('Access denied') });

    const cache = await databases.credentials(redis.id);
    expect(cache).toMatchObject({ userName: 'default', databaseName: '0' });
    const redisPing = (pw: string) =>
      execInContainer(names().databaseAlias(redis.id), { REDISCLI_AUTH: pw }, [
        'redis-cli',
        '--no-auth-warning',
        '-h',
        '127.0.0.1',
        '-p',
        '6379',
        'ping',
      ]);
    expect(redisPing(cache.password)).toEqual({ ok: true, output: 'PONG' });
    expect(redisPing(wrong).output).not.toContain('PONG');

    const scratch = await databases.credentials(postgres.id);
    // Through its address on the Zpanel network, as applications connect: like the official image, the
    // engine trusts connections from its own loopback, where no password is asked.
    const pgLogin = (pw: string) =>
      execInContainer(names().databaseAlias(postgres.id), { PGPASSWORD: pw }, [
        'psql',
        '-h',
        names().databaseAlias(postgres.id),
        '-U',
        scratch.userName,
        '-d',
        scratch.databaseName,
        '-Atc',
        'SELECT current_user',
      ]);
    expect(pgLogin(scratch.password)).toEqual({ ok: true, output: scratch.userName });
    expect(pgLogin(wrong)).toMatchObject({ ok: false, output: expect.stringContaining('password authentication failed') });

    for (const database of [mariadb, redis, postgres]) {
      expect(dockerObjectsOf(database.id)).toEqual({ containers: [expect.any(String)], volumes: [names().databaseVolume(database.id)] });
    }
    await Promise.all([mariadb, redis, postgres].map((database) => databases.deleted(database.id, true)));
    for (const database of [mariadb, redis, postgres]) expect(dockerObjectsOf(database.id)).toEqual({ containers: [], volumes: [] });
  }, 600_000);

  it('a create whose public port is already published on the server ends failed naming the port, leaving no container or volume', async () => {
    const port = await freePort();
    dockerCli(
      'run',
      '-d',
      '--name',
      `port-holder-${port}`,
      '--label',
      testRunLabel(),
      '-p',
      `${port}:8080`,
      'zpanel-test/busybox',
      'httpd',
      '-f',
      '-p',
      '8080',
    );

    const { database, operation } = await databases.create({
      ...inEnvironment(),
      name: 'port-taken',
      engine: 'postgresql',
      image: 'zpanel-test/postgres:15',
      publicPort: port,
    });
    expect(database).toMatchObject({ status: 'creating', publicPort: port });
    const failed = await databases.finished(operation, false);
    expect(failed).toMatchObject({ status: 'failed', reasonCode: 'database.port_taken' });
    expect(failed.reason).toContain(String(port));
    const after = (await databases.get(database.id)).body;
    expect(after).toMatchObject({ status: 'failed', statusReasonCode: 'database.port_taken' });
    expect(after.statusReason).toContain(String(port));
    expect(dockerObjectsOf(database.id)).toEqual({ containers: [], volumes: [] });

    // The failed one is deleted like any other, and the port's holder was never touched.
    await databases.deleted(database.id, true);
    expect(dockerCli('inspect', '-f', '{{.State.Running}}', `port-holder-${port}`)).toBe('true');
  }, 300_000);
});
