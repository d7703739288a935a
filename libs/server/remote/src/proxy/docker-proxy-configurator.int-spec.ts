import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type IncomingHttpHeaders, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { ZPANEL_LABELS, injectionPayloads, zpanelDockerNames } from '@zpanel/core';
import { TEST_VARS, freePort, testSshTarget, waitFor } from '@zpanel/testing';
import type Docker from 'dockerode';
import { dockerOverSsh, releaseDocker } from '../docker/docker-over-ssh';
import { type PooledTarget, SshPool } from '../ssh/ssh-pool';
import { PROXY_ADMIN_SOCKET, PROXY_CONFIG_FILE, ProxyConfigError, type ProxySite, UNKNOWN_HOST_BODY } from './caddy-config';
import { DockerProxyConfigurator, PROXY_SPEC_LABEL, proxyDataVolume } from './docker-proxy-configurator';
import type { ProxySettings } from './proxy-configurator';
import { proxySitesFrom } from './proxy-sites';
import { firstFileOfTar } from './small-tar';

const CADDY_IMAGE = 'zpanel-test/caddy:2.6.2';
const BUSYBOX = 'zpanel-test/busybox:latest';
const APP_PORT = 8080;
const REFUSED_CONFIG = JSON.stringify({
  admin: { listen: `unix/${PROXY_ADMIN_SOCKET}` },
  apps: { http: { servers: { x: { listen: ['not-an-address'] } } } },
});
/** Starts the app's listener; its pid file lets a test stop only the listener (in-flight children finish). */
const LISTEN = `{ httpd -f -p ${APP_PORT} -h /www & echo $! > /tmp/httpd.pid; }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

/** GET through the published port with a Host header (fetch would not let us set Host). */
function get(port: number, host: string, agent?: HttpAgent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers: { host }, agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

function getTls(port: number, servername: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // The local CA of the test config is not trusted here: what is checked is the routing over TLS.
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/', servername, headers: { host: servername }, rejectUnauthorized: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The real proxy on the test server: Caddy in Docker, reached over SSH, routing to busybox httpd apps. */
describe(DockerProxyConfigurator.name, () => {
  const run = process.env[TEST_VARS.runId] as string;
  // Own namespace: parallel suites (and stacks) never touch this network, proxy or volume.
  const names = zpanelDockerNames(`zt-proxy-${randomBytes(3).toString('hex')}`);
  const domain = `web-${run}.zpanel.test`;
  const pool = new SshPool();
  const ssh = testSshTarget();
  const target: PooledTarget = {
    id: 'proxy-int-spec',
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    privateKey: readFileSync(ssh.privateKeyPath),
  };
  let docker: Docker;
  let settings: ProxySettings;
  const sites = (over: Partial<ProxySite> = {}): ProxySite[] => [{ alias: names.appAlias('web'), port: APP_PORT, domains: [domain], ...over }];
  const proxy = (over: Partial<ProxySettings> = {}) => new DockerProxyConfigurator(docker, { ...settings, ...over });

  /** Config loads Caddy logged (`POST /load`): proves whether a sync reloaded. */
  const loads = async () => {
    const raw = (await docker.getContainer(names.proxyContainer).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return raw.toString('utf8').split('"uri":"/load"').length - 1;
  };
  const appliedFile = async () => {
    const stream = await docker.getContainer(names.proxyContainer).getArchive({ path: PROXY_CONFIG_FILE });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return firstFileOfTar(Buffer.concat(chunks))?.toString('utf8') ?? '';
  };
  const answers = (port: number, host: string, expectStatus: number) =>
    waitFor(
      async () => {
        const answer = await get(port, host);
        return answer.status === expectStatus ? answer : undefined;
      },
      15_000,
      `${host} to answer ${expectStatus} on ${port}`,
    );

  /** A busybox httpd answering `page` on APP_PORT, on the Zpanel network, optionally with the app's alias. */
  async function startApp(suffix: string, page: string, alias?: string): Promise<Docker.Container> {
    const container = await docker.createContainer({
      name: `${names.namespace}-${suffix}`,
      Image: BUSYBOX,
      // httpd runs beside PID 1, so a test can stop and restart the listener while the container stays.
      Cmd: ['sh', '-c', `mkdir -p /www && printf %s "$PAGE" > /www/index.html && ${LISTEN} && exec sleep 86400`],
      Env: [`PAGE=${page}`],
      Labels: { [ZPANEL_LABELS.namespace]: names.namespace, 'zpanel.test.run': run },
      HostConfig: { NetworkMode: names.network },
      NetworkingConfig: { EndpointsConfig: { [names.network]: alias ? { Aliases: [alias] } : {} } },
    });
    await container.start();
    return container;
  }

  beforeAll(async () => {
    docker = dockerOverSsh(pool.streams(target));
    settings = { names, image: CADDY_IMAGE, httpPort: await freePort(), httpsPort: await freePort(), https: false };
  });

  afterAll(async () => {
    try {
      const ours = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${ZPANEL_LABELS.namespace}=${names.namespace}`] }) });
      await Promise.all(ours.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
      await docker
        .getNetwork(names.network)
        .remove()
        .catch(() => undefined);
      await docker
        .getVolume(proxyDataVolume(settings))
        .remove()
        .catch(() => undefined);
      const left = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${ZPANEL_LABELS.namespace}=${names.namespace}`] }) });
      expect(left).toEqual([]);
    } finally {
      releaseDocker(docker);
      pool.close();
    }
  });

  it('installs network and proxy on a fresh server, which answers 404 for every host', async () => {
    const result = await proxy().sync([]);
    expect(result).toMatchObject({ network: 'created', container: 'created', config: 'loaded', routes: 0 });

    const info = await docker.getContainer(names.proxyContainer).inspect();
    expect(info.Config.Image).toBe(CADDY_IMAGE);
    expect(info.Config.Labels).toMatchObject({
      'zpanel.managed': 'true',
      [ZPANEL_LABELS.namespace]: names.namespace,
      [ZPANEL_LABELS.role]: 'proxy',
      [PROXY_SPEC_LABEL]: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: String(settings.httpPort) }] });
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([names.network]);
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);

    const unknown = await answers(settings.httpPort, 'nobody.zpanel.test', 404);
    expect(unknown.body).toBe(UNKNOWN_HOST_BODY);
    expect(await loads()).toBe(0);
  });

  it('routes a domain to the app alias; an unknown host still gets 404; apps reach no admin API', async () => {
    await startApp('a', 'page-a', names.appAlias('web'));
    const result = await proxy().sync(sites());
    expect(result).toMatchObject({ network: 'kept', container: 'kept', config: 'reloaded', routes: 1 });
    expect(await loads()).toBe(1);

    const answer = await answers(settings.httpPort, domain, 200);
    expect(answer.body).toBe('page-a');
    expect(answer.headers.server).toBe('Caddy');
    expect((await get(settings.httpPort, `other-${domain}`)).status).toBe(404);
    // An app on the shared network reaches the proxy's HTTP port, but no admin API (Caddy's default :2019).
    // (busybox nc: its static wget crashes in these containers.)
    const fromApp = (port: number, input: string) => {
      try {
        return execFileSync('docker', ['exec', '-i', `${names.namespace}-a`, 'nc', '-w', '3', names.proxyContainer, String(port)], {
          input,
          stdio: ['pipe', 'pipe', 'pipe'],
        }).toString();
      } catch (error) {
        return `failed: ${String((error as { stderr?: Buffer }).stderr)}`;
      }
    };
    expect(fromApp(80, 'GET / HTTP/1.0\r\nHost: nobody.zpanel.test\r\n\r\n')).toMatch(/^HTTP\/1\.0 404 /);
    expect(fromApp(2019, 'GET /config/ HTTP/1.0\r\n\r\n')).toMatch(/failed: .*refused/i);
    // Host matching ignores case, like DNS.
    expect((await get(settings.httpPort, domain.toUpperCase())).body).toBe('page-a');
    // What the container restarts with is what it runs.
    expect(JSON.parse(await appliedFile())).toMatchObject({ apps: { http: { servers: { zpanel: { listen: [':80'] } } } } });
  });

  it('does not reload Caddy when a sync finds the same sites (proved by its log)', async () => {
    const before = await loads();
    for (let i = 0; i < 3; i += 1) {
      expect(await proxy().sync(sites())).toMatchObject({ network: 'kept', container: 'kept', config: 'unchanged' });
    }
    expect(await loads()).toBe(before);
    expect((await get(settings.httpPort, domain)).body).toBe('page-a');
  });

  it('keeps answering while the alias moves to new containers, with or without a gap (failures counted)', async () => {
    const network = docker.getNetwork(names.network);
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
    const counts = { ok: 0, failed: 0, swaps: 0 };
    const pages = new Map<string, number>();
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const answer = await get(settings.httpPort, domain, agent);
          if (answer.status === 200) {
            counts.ok += 1;
            pages.set(answer.body, (pages.get(answer.body) ?? 0) + 1);
          } else counts.failed += 1;
        } catch {
          counts.failed += 1;
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    // Each swap is a deploy's promote and retire: a new container (new address) joins the network
    // with the alias, and the old one stops listening (a stop's SIGTERM), lets its in-flight requests
    // finish (the pipeline's drain and grace period), leaves and is removed.
    let serving = docker.getContainer(`${names.namespace}-a`);
    for (let swap = 1; swap <= 6; swap += 1) {
      await sleep(400);
      if (swap % 2 === 1) {
        const next = await startApp(`v${swap}`, `page-v${swap}`, names.appAlias('web'));
        await sleep(100);
        execFileSync('docker', ['exec', serving.id, 'sh', '-c', 'kill $(cat /tmp/httpd.pid)']);
        await sleep(200);
        await network.disconnect({ Container: serving.id });
        await serving.remove({ force: true });
        serving = next;
      } else {
        // The harsh order: the old app stops listening before the new one exists, so for a while
        // every dial is refused (its in-flight requests still finish).
        execFileSync('docker', ['exec', serving.id, 'sh', '-c', 'kill $(cat /tmp/httpd.pid)']);
        await sleep(300);
        const next = await startApp(`v${swap}`, `page-v${swap}`, names.appAlias('web'));
        await sleep(100);
        await network.disconnect({ Container: serving.id });
        await serving.remove({ force: true });
        serving = next;
      }
      counts.swaps += 1;
    }
    await sleep(400);
    stop = true;
    await Promise.all(clients);
    agent.destroy();
    expect(counts.swaps).toBe(6);
    expect(counts.ok).toBeGreaterThan(100);
    // The alias really moved (versions answered in turn; a request may wait up to a dial timeout
    // during a swap, so a short-lived version can go unseen), and nothing failed.
    expect(pages.get('page-a')).toBeGreaterThan(0);
    expect(pages.size).toBeGreaterThanOrEqual(4);
    expect(counts.failed).toBe(0);
    expect((await get(settings.httpPort, domain)).body).toBe('page-v6');
  });

  it('holds a request while its upstream refuses connections, until it listens (try_duration)', async () => {
    const late = `late-${run}.zpanel.test`;
    // Listens only a second after it starts, like an app booting behind its alias.
    const container = await docker.createContainer({
      name: `${names.namespace}-late`,
      Image: BUSYBOX,
      Cmd: ['sh', '-c', 'mkdir -p /www && echo -n late > /www/index.html && sleep 1.5 && exec httpd -f -p 8080 -h /www'],
      Labels: { [ZPANEL_LABELS.namespace]: names.namespace, 'zpanel.test.run': run },
      HostConfig: { NetworkMode: names.network },
      NetworkingConfig: { EndpointsConfig: { [names.network]: { Aliases: [names.appAlias('late')] } } },
    });
    await proxy().sync([...sites(), { alias: names.appAlias('late'), port: APP_PORT, domains: [late] }]);
    await container.start();
    const startedAt = Date.now();
    const answer = await get(settings.httpPort, late);
    expect(answer).toMatchObject({ status: 200, body: 'late' });
    // It waited for the listener instead of failing at the first refused dial.
    expect(Date.now() - startedAt).toBeGreaterThan(800);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    await container.remove({ force: true });
    await proxy().sync(sites());
  });

  it('never lets injection payloads stored as domains reach Caddy, and no canary appears', async () => {
    const canary = `/tmp/zp-proxy-canary-${run}-${randomBytes(4).toString('hex')}`;
    const payloads = injectionPayloads(canary);
    const before = await appliedFile();
    const loadsBefore = await loads();
    // A value that slipped into the database is refused by the rule before the builder sees it...
    const { sites: filtered, refused } = proxySitesFrom([{ id: 'a', name: 'web', port: APP_PORT, domains: [domain, ...payloads] }], names);
    expect(refused).toHaveLength(payloads.length);
    expect(await proxy().sync(filtered)).toMatchObject({ config: 'unchanged', routes: 1 });
    // ...and the builder refuses it again if handed one directly: nothing is loaded.
    for (const payload of payloads) {
      await expect(proxy().sync(sites({ domains: [domain, payload] }))).rejects.toBeInstanceOf(ProxyConfigError);
    }
    expect(await appliedFile()).toBe(before);
    expect(await appliedFile()).not.toContain(canary);
    expect(await loads()).toBe(loadsBefore);
    expect((await pool.exec(target, ['test', '-e', canary])).exitCode).toBe(1);
    expect((await pool.exec(target, ['test', '-e', '/tmp'])).exitCode).toBe(0);
    expect((await get(settings.httpPort, domain)).status).toBe(200);
  });

  it('a Caddy that refuses a config keeps its routes and its file', async () => {
    // The builder never produces a config Caddy refuses; this one reaches Caddy through the
    // reload step directly (same admin socket, a listen address Caddy cannot parse).
    const before = await appliedFile();
    const refusing = proxy() as unknown as { reload(c: Docker.Container, config: string, justStarted: boolean): Promise<void> };
    await expect(refusing.reload(docker.getContainer(names.proxyContainer), REFUSED_CONFIG, false)).rejects.toThrow(/Caddy refused the config/);
    await expect(refusing.reload(docker.getContainer(names.proxyContainer), REFUSED_CONFIG, false)).rejects.toMatchObject({
      output: expect.stringMatching(/not-an-address/),
    });
    expect(await appliedFile()).toBe(before);
    expect((await get(settings.httpPort, domain)).status).toBe(200);
  });

  it('starts a stopped proxy, which comes back with its last routes', async () => {
    await docker.getContainer(names.proxyContainer).stop({ t: 1 });
    expect(await proxy().sync(sites())).toMatchObject({ container: 'started', config: 'unchanged' });
    expect((await answers(settings.httpPort, domain, 200)).status).toBe(200);
  });

  it('recreates the proxy when its ports change, keeping its routes', async () => {
    const oldPort = settings.httpPort;
    const newPort = await freePort();
    const result = await proxy({ httpPort: newPort }).sync(sites());
    expect(result).toMatchObject({ network: 'kept', container: 'recreated', config: 'loaded' });
    settings.httpPort = newPort;
    expect((await answers(newPort, domain, 200)).body).toBe('page-v6');
    await expect(get(oldPort, domain)).rejects.toThrow();
    expect(await proxy().sync(sites())).toMatchObject({ container: 'kept', config: 'unchanged' });
  });

  it('with HTTPS on: redirects HTTP to HTTPS and serves the app over TLS (local CA in tests)', async () => {
    const https = { https: true, internalCertificates: true };
    expect(await proxy(https).sync(sites())).toMatchObject({ container: 'recreated', config: 'loaded' });
    const info = await docker.getContainer(names.proxyContainer).inspect();
    expect(Object.keys(info.HostConfig.PortBindings ?? {}).sort()).toEqual(['443/tcp', '443/udp', '80/tcp']);
    const redirect = await answers(settings.httpPort, domain, 308);
    expect(redirect.headers.location).toBe(`https://${domain}/`);
    const secure = await waitFor(
      async () => {
        const answer = await getTls(settings.httpsPort, domain);
        return answer.status === 200 ? answer : undefined;
      },
      20_000,
      'the app over HTTPS',
    );
    expect(secure.body).toBe('page-v6');
    // Back to plain HTTP: recreated again, the certificate volume stays.
    expect(await proxy().sync(sites())).toMatchObject({ container: 'recreated', config: 'loaded' });
    expect((await answers(settings.httpPort, domain, 200)).body).toBe('page-v6');
  });

  it('refuses to touch a container with the proxy name that Zpanel did not create', async () => {
    const foreign = zpanelDockerNames(`zt-proxy-${randomBytes(3).toString('hex')}`);
    const container = await docker.createContainer({
      name: foreign.proxyContainer,
      Image: BUSYBOX,
      Cmd: ['true'],
      Labels: { [ZPANEL_LABELS.namespace]: names.namespace, 'zpanel.test.run': run },
    });
    try {
      await expect(new DockerProxyConfigurator(docker, { ...settings, names: foreign }).sync([])).rejects.toThrow(/Zpanel did not create/);
      expect((await container.inspect()).Id).toBe(container.id);
    } finally {
      await container.remove({ force: true });
      await docker
        .getNetwork(foreign.network)
        .remove()
        .catch(() => undefined);
    }
  });
});
