import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { type AppConfig, SecretBox, createLogger, injectionPayloads, loadConfig, zpanelDockerNames } from '@zpanel/core';
import {
  ApplicationDomainsRepository,
  ApplicationsRepository,
  ServerEntity,
  type TeamScope,
  buildDataSourceOptions,
  teamScope,
} from '@zpanel/database';
import type { JobContext } from '@zpanel/queue';
import { PROXY_CONFIG_FILE, type PooledTarget, proxyDataVolume } from '@zpanel/remote';
import { FakeProxyConfigurator } from '@zpanel/remote/testing';
import { type SeededEnvironment, type SeededTeam, seedApplication, seedEnvironment, seedServer, seedTeamWithServer } from '@zpanel/database/testing';
import { TEST_VARS, dockerCli, freePort, testServerAddress, testServerKey, testSshTarget, waitFor } from '@zpanel/testing';
import { DataSource } from 'typeorm';
import { ServerTargets } from '../servers/server-targets';
import { serverTargetsOver } from '../servers/server-targets.testing';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { ServerProxies, proxySettingsFrom } from './server-proxies';
import { ServerProxySyncHandler } from './server-proxy-sync.handler';

function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The proxy sync job against the run's Postgres and the real test server (sshd, Docker, Caddy). */
describe(ServerProxySyncHandler.name, () => {
  const run = process.env[TEST_VARS.runId] as string;
  const namespace = `zt-psync-${randomBytes(3).toString('hex')}`;
  const names = zpanelDockerNames(namespace);
  const ssh = testSshTarget();
  const logger = createLogger({ level: 'silent', name: 'test' });
  const context = (): JobContext => ({ jobId: 'job', attempt: 1, signal: new AbortController().signal });
  let config: AppConfig;
  let box: SecretBox;
  let dataSource: DataSource;
  let pool: WorkerSshPool;
  let targets: ServerTargets;
  let handler: ServerProxySyncHandler;
  let workspace: SeededTeam & SeededEnvironment;
  let team: TeamScope;
  let serverId: string;
  let fingerprint: string;
  const domain = (label: string) => `${label}-${run}.psync.test`;

  const addServer = (overrides: Partial<ServerEntity> = {}) =>
    seedServer(dataSource, workspace, { ...testServerAddress(), status: 'ready', hostKeyFingerprint: fingerprint, ...overrides });

  async function addApplication(server: string, name: string, port: number, domains: string[]): Promise<string> {
    const app = await seedApplication(dataSource, workspace, {
      name,
      serverId: server,
      imageReference: 'zpanel-test/busybox:latest',
      port,
      stopGraceSeconds: 1,
    });
    await new ApplicationDomainsRepository(dataSource.manager).add(team, app.id, domains);
    return app.id;
  }

  const handlerWith = (proxies: ServerProxies) =>
    new ServerProxySyncHandler(
      dataSource,
      new ApplicationsRepository(dataSource.manager),
      new ApplicationDomainsRepository(dataSource.manager),
      targets,
      proxies,
      config,
      logger,
    );

  /** The config file in the proxy container (`docker cp` writes a tar). */
  const appliedConfig = () =>
    execFileSync('tar', ['-xO'], { input: execFileSync('docker', ['cp', `${names.proxyContainer}:${PROXY_CONFIG_FILE}`, '-']) }).toString('utf8');

  beforeAll(async () => {
    config = loadConfig({
      ...process.env,
      DOCKER_NAMESPACE: namespace,
      PROXY_IMAGE: 'zpanel-test/caddy:2.6.2',
      PROXY_HTTP_PORT: String(await freePort()),
      PROXY_HTTPS: 'false',
    });
    box = new SecretBox(config.security.secretKey);
    dataSource = new DataSource(buildDataSourceOptions(config.database.url, 'proxy-sync-test'));
    await dataSource.initialize();
    pool = new WorkerSshPool(loadConfig(process.env));
    targets = serverTargetsOver(dataSource, box);
    handler = handlerWith(new ServerProxies(pool, config));

    // What validation pins at first contact.
    const probe: PooledTarget = {
      id: `pin-${run}`,
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      privateKey: readFileSync(ssh.privateKeyPath),
    };
    fingerprint = (await pool.connection(probe)).hostKeyFingerprint;
    const seeded = await seedTeamWithServer(dataSource, {
      team: 'proxy-sync',
      server: { ...testServerAddress(), name: `s-${randomUUID().slice(0, 8)}`, status: 'ready', hostKeyFingerprint: fingerprint },
      privateKey: testServerKey(box),
    });
    workspace = { ...seeded, ...(await seedEnvironment(dataSource, seeded)) };
    team = teamScope(workspace.teamId);
    serverId = workspace.serverId;
  });

  afterAll(async () => {
    try {
      const containers = dockerCli('ps', '-aq', '--filter', `label=zpanel.namespace=${namespace}`).split('\n').filter(Boolean);
      if (containers.length) dockerCli('rm', '-f', '-v', ...containers);
      for (const args of [
        ['network', 'rm', names.network],
        ['volume', 'rm', proxyDataVolume({ names })],
      ]) {
        try {
          dockerCli(...args);
        } catch {
          // not created by this run
        }
      }
      expect(dockerCli('ps', '-aq', '--filter', `label=zpanel.namespace=${namespace}`)).toBe('');
    } finally {
      pool.close();
      await dataSource.destroy();
    }
  });

  it('does nothing for a deleted server, or one never validated (a sync is never first contact)', async () => {
    expect(await handler.handle({ serverId: randomUUID() }, context())).toEqual({ skipped: 'server deleted' });
    for (const overrides of [
      { hostKeyFingerprint: null },
      { status: 'pending' as const },
      { status: 'validating' as const },
      { status: 'invalid' as const },
    ]) {
      expect(await handler.handle({ serverId: await addServer(overrides) }, context())).toEqual({ skipped: 'server not validated' });
    }
    expect(dockerCli('ps', '-aq', '--filter', `name=^${names.proxyContainer}$`)).toBe('');
  });

  it('installs the proxy and routes the server’s applications’ domains; another server’s apps stay out', async () => {
    await addApplication(serverId, 'web', 8080, [domain('web'), domain('www')]);
    await addApplication(serverId, 'worker', 9000, []);
    await addApplication(await addServer(), 'elsewhere', 8080, [domain('elsewhere')]);
    const result = await handler.handle({ serverId }, context());
    expect(result).toMatchObject({ network: 'created', container: 'created', config: 'loaded', routes: 2, refused: 0 });
    // The app on the network under its alias, as a deployment's promote step leaves it.
    dockerCli(
      'run',
      '-d',
      '--name',
      `${namespace}-web`,
      '--label',
      `zpanel.namespace=${namespace}`,
      '--network',
      names.network,
      '--network-alias',
      names.appAlias('web'),
      'zpanel-test/busybox:latest',
      'sh',
      '-c',
      'mkdir -p /www && echo -n web-page > /www/index.html && exec httpd -f -p 8080 -h /www',
    );
    const port = config.proxy.httpPort;
    for (const host of [domain('web'), domain('www')]) {
      const answer = await waitFor(
        async () => {
          const a = await get(port, host);
          return a.status === 200 ? a : undefined;
        },
        15_000,
        host,
      );
      expect(answer.body).toBe('web-page');
    }
    expect((await get(port, domain('elsewhere'))).status).toBe(404);
    expect(JSON.parse(appliedConfig())).toBeInstanceOf(Object);
    expect(appliedConfig()).not.toContain('elsewhere');
  });

  it('does not reload when nothing changed; runs concurrent syncs one at a time, reloading once', async () => {
    expect(await handler.handle({ serverId }, context())).toMatchObject({ container: 'kept', config: 'unchanged', routes: 2 });
    await addApplication(serverId, 'api', 3000, [domain('api')]);
    const results = await Promise.all([1, 2, 3].map(() => handler.handle({ serverId }, context())));
    expect(results.map((r) => ('config' in r ? r.config : r.skipped)).sort()).toEqual(['reloaded', 'unchanged', 'unchanged']);
    expect(results.every((r) => 'routes' in r && r.routes === 3)).toBe(true);
  });

  it('leaves injection payloads stored as domains out of the config (counted as refused); no canary appears', async () => {
    const canary = `/tmp/zp-psync-canary-${run}-${randomBytes(4).toString('hex')}`;
    // The table's own check refuses upper case and over 253 characters: those cannot be stored at all.
    const payloads = injectionPayloads(canary).filter((p) => p === p.toLowerCase() && p.length <= 253);
    expect(payloads.length).toBeGreaterThanOrEqual(10);
    const before = appliedConfig();
    // Values that bypassed the API's validation, straight into the table.
    const app = await addApplication(serverId, 'victim', 8080, payloads);
    const result = await handler.handle({ serverId }, context());
    expect(result).toMatchObject({ config: 'unchanged', routes: 3, refused: payloads.length });
    expect(appliedConfig()).toBe(before);
    expect(appliedConfig()).not.toContain(canary);
    expect((await pool.exec((await targets.load(serverId))!.target, ['test', '-e', canary])).exitCode).toBe(1);
    await new ApplicationsRepository(dataSource.manager).deleteOne(team, app);
  });

  it('hands the configurator only what the allowlists accept (configurator substituted)', async () => {
    const fake = new FakeProxyConfigurator();
    const withFake = handlerWith({ open: () => ({ proxy: fake, release: () => undefined }) } as unknown as ServerProxies);
    const other = await addServer();
    await addApplication(other, 'good', 8080, [domain('good')]);
    await dataSource.query(
      `INSERT INTO "application_domains" ("team_id", "application_id", "domain") SELECT "team_id", "id", $1 FROM "applications" WHERE "server_id" = $2`,
      [`$(touch ${'/tmp/zp-psync-never'}).example.com`, other],
    );
    expect(await withFake.handle({ serverId: other }, context())).toMatchObject({ routes: 1, refused: 1, config: 'loaded' });
    expect(fake.calls).toEqual([[{ alias: names.appAlias('good'), port: 8080, domains: [domain('good')] }]]);
    expect(proxySettingsFrom(config)).toMatchObject({ image: 'zpanel-test/caddy:2.6.2', https: false, httpPort: config.proxy.httpPort });
  });
});
