import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type ApplicationDto,
  type EnvironmentDto,
  type Paginated,
  type ProblemDetails,
  type ProjectDto,
  Role,
  type ServerDto,
  type SshKeyDto,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { addTestServer, dockerCli, proxyAnswer, joinTeam, testSshTarget, useOwnedStack, waitFor } from '@zpanel/testing';

/** The proxy through the whole stack: validation installs it, application edits re-route it. */
describe('proxy (built api + worker, test server, Caddy)', () => {
  const run = `${process.env.ZP_TEST_RUN_ID}-${randomBytes(2).toString('hex')}`;
  const domain = (label: string) => `${label}-${run}.proxy-e2e.test`;
  const suite = useOwnedStack({ worker: true });
  const { asOwner, inTeam: call } = suite;
  let serverId: string;
  let environmentId: string;
  let proxy: string;

  /** Waits until `host` answers `status` (and `body`, when given) through the proxy. */
  const answers = (host: string, status: number, body?: string) => proxyAnswer(suite.stack.proxyHttpPort, host, { status, body });
  /** Asks for an application of the local busybox image on the test server, on port 8080, with `domains`. */
  const createImageApp = <T>(name: string, domains: unknown[]) =>
    asOwner<T>('POST', '/api/v1/applications', {
      environmentId,
      serverId,
      name,
      buildPack: 'image',
      imageReference: 'zpanel-test/busybox:latest',
      port: 8080,
      domains,
    });
  /**
   * Stands in for an application's deployed container: `script` (busybox) on the stack's network under
   * `alias`, labelled with the stack's namespace so the stack removes it.
   */
  const standIn = (container: string, alias: string, script: string) => {
    const ns = suite.stack.dockerNamespace;
    dockerCli(
      'run',
      '-d',
      '--name',
      container,
      '--label',
      `zpanel.namespace=${ns}`,
      '--network',
      ns,
      '--network-alias',
      alias,
      'zpanel-test/busybox:latest',
      'sh',
      '-c',
      script,
    );
  };
  /** Config loads Caddy logged (on stderr): each is one reload. */
  const loads = () => {
    const logs = spawnSync('docker', ['logs', proxy], { encoding: 'utf8' });
    return `${logs.stdout}${logs.stderr}`.split('"uri":"/load"').length - 1;
  };
  /** The config file the proxy runs (and restarts) with; `docker cp` writes a tar. */
  const appliedConfig = () =>
    execFileSync('tar', ['-xO'], { input: execFileSync('docker', ['cp', `${proxy}:/etc/zpanel-proxy/caddy.json`, '-']) }).toString('utf8');

  beforeAll(async () => {
    proxy = `${suite.stack.dockerNamespace}-proxy`;
    serverId = (await addTestServer(asOwner, { name: 'proxy-server' })).id;
    const project = (await asOwner<ProjectDto>('POST', '/api/v1/projects', { name: 'proxied' })).body;
    environmentId = (await asOwner<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0].id;
  });

  it('installs the proxy when the server is validated: every host answers 404', async () => {
    expect((await asOwner('POST', `/api/v1/servers/${serverId}/validate`)).status).toBe(202);
    await waitFor(
      async () => ((await asOwner<ServerDto>('GET', `/api/v1/servers/${serverId}`)).body.status === 'ready' ? true : undefined),
      20_000,
      'the server to be ready',
    );
    await answers('nobody.proxy-e2e.test', 404);
    expect(dockerCli('inspect', '-f', '{{.Config.Image}} {{.HostConfig.RestartPolicy.Name}}', proxy)).toBe('zpanel-test/caddy:2.6.2 unless-stopped');
  });

  it('routes an application’s domains when it is created, re-routes when they, the port or the name change, and stops when it is deleted', async () => {
    const created = await createImageApp<ApplicationDto>('web', [domain('web')]);
    expect(created.status).toBe(201);
    const appId = created.body.id;
    // Stands in for the app's deployed container: on the network under the app's alias, two ports.
    const container = `${suite.stack.dockerNamespace}-web-stand-in`;
    const serve = (alias: string) =>
      standIn(
        container,
        alias,
        'mkdir -p /a /b && echo -n page-8080 > /a/index.html && echo -n page-8081 > /b/index.html && httpd -p 8081 -h /b && exec httpd -f -p 8080 -h /a',
      );
    serve(`${suite.stack.dockerNamespace}-web`);
    await answers(domain('web'), 200, 'page-8080');

    // Domains replaced: the new one answers, the old one is unknown.
    expect((await asOwner('PATCH', `/api/v1/applications/${appId}`, { domains: [domain('www')] })).status).toBe(200);
    await answers(domain('www'), 200, 'page-8080');
    await answers(domain('web'), 404);

    // Port changed.
    expect((await asOwner('PATCH', `/api/v1/applications/${appId}`, { port: 8081 })).status).toBe(200);
    await answers(domain('www'), 200, 'page-8081');

    // A burst of saves that change nothing routed: no reload at all.
    const before = loads();
    for (let i = 0; i < 5; i += 1)
      expect((await asOwner('PATCH', `/api/v1/applications/${appId}`, { domains: [domain('www')], description: `edit ${i}` })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(loads()).toBe(before);

    // Renamed: the route follows the new alias.
    expect((await asOwner('PATCH', `/api/v1/applications/${appId}`, { name: 'site' })).status).toBe(200);
    dockerCli('rm', '-f', container);
    serve(`${suite.stack.dockerNamespace}-site`);
    await answers(domain('www'), 200, 'page-8081');

    expect((await asOwner('DELETE', `/api/v1/applications/${appId}`)).status).toBe(204);
    await answers(domain('www'), 404);
    // Caddy runs the new config before its file replaces the old one: wait for both, so the next
    // test starts from a settled proxy.
    await waitFor(async () => (appliedConfig().includes(domain('www')) ? undefined : true), 20_000, 'the config file without the deleted domain');
  });

  it('refuses a second server for the same Docker host (another team, another name for it): the first keeps its routes and is not named', async () => {
    const ns = suite.stack.dockerNamespace;
    const created = await createImageApp<ApplicationDto>('shared', [domain('shared')]);
    expect(created.status).toBe(201);
    const container = `${ns}-shared-stand-in`;
    standIn(container, `${ns}-shared`, 'mkdir -p /a && echo -n shared-page > /a/index.html && exec httpd -f -p 8080 -h /a');
    try {
      await answers(domain('shared'), 200, 'shared-page');
      // Someone else on the instance, in a team of their own, adds the same host by another name.
      const side = (await asOwner<{ teamId: string }>('POST', '/api/v1/teams', { name: 'Side' })).body;
      const other = await joinTeam(call, { accessToken: suite.owner.accessToken, teamId: side.teamId }, 'other@example.com', Role.Owner);
      const teamB = (await call<{ teamId: string }>('POST', '/api/v1/teams', other.accessToken, { name: 'Other team' })).body.teamId;
      const asOther = <T = unknown>(method: string, path: string, body?: unknown) =>
        call<T>(method, path, other.accessToken, body, { [TEAM_HEADER]: teamB });
      const ssh = testSshTarget();
      const key = (await asOther<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'mine', privateKey: readFileSync(ssh.privateKeyPath, 'utf8') })).body;
      const duplicate = await asOther<ServerDto>('POST', '/api/v1/servers', {
        name: 'my-box',
        host: 'localhost',
        port: ssh.port,
        user: ssh.username,
        sshKeyId: key.id,
      });
      expect(duplicate.status).toBe(201);
      expect((await asOther('POST', `/api/v1/servers/${duplicate.body.id}/validate`)).status).toBe(202);
      const refused = await waitFor(
        async () => {
          const server = (await asOther<ServerDto>('GET', `/api/v1/servers/${duplicate.body.id}`)).body;
          return server.status === 'validating' || server.status === 'pending' ? undefined : server;
        },
        20_000,
        'the second server to be validated',
      );
      expect({ status: refused.status, statusReason: refused.statusReason }).toEqual({
        status: 'invalid',
        statusReason: expect.stringMatching(/^This Docker host is already managed by another server of this Zpanel instance/),
      });
      for (const first of [serverId, 'proxy-server', suite.owner.teamId, suite.owner.credentials.email])
        expect(JSON.stringify(refused)).not.toContain(first);
      // The first server's routes stand, and it still validates.
      await answers(domain('shared'), 200, 'shared-page');
      expect((await asOwner('POST', `/api/v1/servers/${serverId}/validate`)).status).toBe(202);
      await waitFor(
        async () => ((await asOwner<ServerDto>('GET', `/api/v1/servers/${serverId}`)).body.status === 'ready' ? true : undefined),
        20_000,
        'the first server to be ready again',
      );
      await answers(domain('shared'), 200, 'shared-page');
    } finally {
      dockerCli('rm', '-f', container);
    }
  });

  it('refuses injection payloads as domains with the field named; nothing reaches Caddy and no canary appears', async () => {
    const canary = `/tmp/zp-proxy-e2e-canary-${run}`;
    const [configBefore, loadsBefore] = [appliedConfig(), loads()];
    for (const payload of injectionPayloads(canary)) {
      const r = await createImageApp<ProblemDetails>('evil', [payload]);
      expect(r.status).toBe(400);
      expect([...new Set((r.body.errors ?? []).map((e) => e.field.replace(/\.\d+$|\[\d+\]$/, '')))]).toEqual(['domains']);
    }
    await new Promise((r) => setTimeout(r, 2_000));
    expect(appliedConfig()).toBe(configBefore);
    expect(appliedConfig()).not.toContain(canary);
    expect(loads()).toBe(loadsBefore);
    // The test server is this machine: the canary would be here.
    expect(() => readFileSync(canary)).toThrow();
  });
});
