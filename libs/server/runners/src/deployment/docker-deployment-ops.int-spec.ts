import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { ZPANEL_LABELS, zpanelDockerNames } from '@zpanel/core';
import { DockerProxyConfigurator, type PooledTarget, SshPool, dockerOverSsh, releaseDocker } from '@zpanel/remote';
import { TEST_VARS, freePort, testSshTarget, waitFor } from '@zpanel/testing';
import type Docker from 'dockerode';
import { DockerDeploymentOps } from './docker-deployment-ops';

const CADDY_IMAGE = 'zpanel-test/caddy:2.6.2';
const BUSYBOX = 'zpanel-test/busybox:latest';
const PORT = 8080;
/**
 * An app that answers after 50 ms (a CGI script) and stops as servers do on SIGTERM: the listener
 * closes, the requests it holds finish. Its accept loop is busy for 300 ms when the SIGTERM comes
 * (stopped, as a loaded app can be): a connection whose handshake the kernel completed meanwhile
 * waits in the accept queue and is reset when the listener closes. The moment is made wide here so
 * that every stop hits it; in production it is short and rare, not absent.
 */
const APP = [
  'mkdir -p /www/cgi-bin',
  'printf %s "$VERSION" > /www/index.html',
  `printf '#!/bin/sh\\nusleep 50000\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\n"\\ncat /www/index.html\\n' > /www/cgi-bin/version`,
  'chmod 0755 /www/cgi-bin/version',
  `httpd -f -p ${PORT} -h /www & listener=$!`,
  "trap 'kill -STOP $listener; usleep 300000; kill $listener; kill -CONT $listener' TERM",
  'wait $listener; wait $listener',
  'while pidof httpd >/dev/null; do usleep 10000; done',
].join('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real proxy and a real app on the test server: what a deploy's promote and retire do to requests in flight. */
describe(`${DockerDeploymentOps.name} retiring a container behind the proxy`, () => {
  const run = process.env[TEST_VARS.runId] as string;
  const names = zpanelDockerNames(`zt-retire-${randomBytes(3).toString('hex')}`);
  const applicationId = '00000000-0000-4000-8000-0000000000aa';
  const alias = names.appAlias('web');
  const domain = `retire-${run}.zpanel.test`;
  const pool = new SshPool();
  const ssh = testSshTarget();
  const target: PooledTarget = {
    id: 'retire-int-spec',
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    privateKey: readFileSync(ssh.privateKeyPath),
  };
  let docker: Docker;
  let ops: DockerDeploymentOps;
  let proxyPort: number;
  let started = 0;

  /** A container as the pipeline starts it (Init, grace period, labels), on the network without the alias. */
  async function startApp(): Promise<string> {
    started += 1;
    const name = names.appContainer('web', `d${started}`);
    const container = await docker.createContainer({
      name,
      Image: BUSYBOX,
      Cmd: ['sh', '-c', APP],
      Env: [`VERSION=v${started}`],
      Labels: {
        [ZPANEL_LABELS.namespace]: names.namespace,
        [ZPANEL_LABELS.application]: applicationId,
        [ZPANEL_LABELS.role]: 'app',
        'zpanel.test.run': run,
      },
      StopTimeout: 2,
      HostConfig: { Init: true, NetworkMode: names.network },
      NetworkingConfig: { EndpointsConfig: { [names.network]: {} } },
    });
    await container.start();
    return name;
  }

  function send(agent: Agent | false, method: 'GET' | 'POST'): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = { host: domain };
    if (!agent) headers.connection = 'close';
    if (method === 'POST') headers['content-length'] = '4';
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxyPort, path: '/cgi-bin/version', method, agent, headers, timeout: 15_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(method === 'POST' ? 'ping' : undefined);
    });
  }

  /**
   * Deploys `swaps` times under load (POSTs and GETs, new and kept connections), as the pipeline
   * does: promote, drain, then (with `refuse`) refuseNewConnections, then retireContainer.
   * Returns what failed.
   */
  async function swapsUnderLoad(swaps: number, refuse: boolean, live: string): Promise<{ live: string; sent: number; failures: string[] }> {
    const failures: string[] = [];
    let sent = 0;
    let stopped = false;
    const agents: Agent[] = [];
    const loop = async (agent: Agent | false, method: 'GET' | 'POST') => {
      while (!stopped) {
        sent += 1;
        try {
          const answer = await send(agent, method);
          if (answer.status !== 200 || !/^v\d+$/.test(answer.body)) failures.push(`${method} ${agent ? 'kept' : 'new'}: HTTP ${answer.status}`);
        } catch (error) {
          failures.push(`${method} ${agent ? 'kept' : 'new'}: ${(error as Error).message}`);
        }
      }
    };
    const loops = (['POST', 'POST', 'POST', 'GET'] as const).flatMap((method) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      return [loop(agent, method), loop(false, method)];
    });
    try {
      for (let i = 0; i < swaps; i += 1) {
        const next = await startApp();
        await sleep(500);
        await ops.addAlias(next, alias);
        await sleep(500);
        if (refuse) expect(await ops.refuseNewConnections(live)).toBeNull();
        await ops.retireContainer(live, 2);
        live = next;
      }
      await sleep(300);
    } finally {
      stopped = true;
      await Promise.all(loops);
      for (const agent of agents) agent.destroy();
    }
    return { live, sent, failures };
  }

  /** Caddy's error messages logged from `sinceMs` on (its own timestamps: `docker logs --since` counts whole seconds); Caddy logs to stderr. */
  function proxyErrors(sinceMs: number): string[] {
    const logs = spawnSync('docker', ['logs', '--since', String(Math.floor(sinceMs / 1000)), names.proxyContainer], { encoding: 'utf8' });
    return `${logs.stdout}${logs.stderr}`
      .split('\n')
      .filter((line) => line.includes('"level":"error"'))
      .map((line) => JSON.parse(line) as { ts: number; msg: string })
      .filter((entry) => entry.ts * 1000 >= sinceMs)
      .map((entry) => entry.msg);
  }

  beforeAll(async () => {
    docker = dockerOverSsh(pool.streams(target));
    ops = new DockerDeploymentOps(docker, names, applicationId, pool.shell(target));
    proxyPort = await freePort();
    const proxy = new DockerProxyConfigurator(docker, { names, image: CADDY_IMAGE, httpPort: proxyPort, httpsPort: await freePort(), https: false });
    await proxy.sync([{ alias, port: PORT, domains: [domain] }]);
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
        .getVolume(`${names.proxyContainer}-data`)
        .remove()
        .catch(() => undefined);
    } finally {
      releaseDocker(docker);
      pool.close();
    }
  });

  it("resets no request in the old container's accept queue once it refuses new connections before it stops; without that, POSTs get 502", async () => {
    let live = await startApp();
    await ops.addAlias(live, alias);
    await waitFor(
      async () => ((await send(false, 'GET').catch(() => undefined))?.status === 200 ? true : undefined),
      20_000,
      'the app through the proxy',
    );

    // The control: stopped as before, the proxy's POSTs queued on the old container are reset (502; GETs are retried).
    const before = await swapsUnderLoad(3, false, live);
    live = before.live;
    expect(before.failures.length).toBeGreaterThan(0);
    expect(before.failures.every((f) => f.startsWith('POST') && f.endsWith('HTTP 502'))).toBe(true);

    const afterSince = Date.now();
    const after = await swapsUnderLoad(4, true, live);
    const errors = proxyErrors(afterSince);
    process.stdout.write(
      `retire behind the proxy: stopped as before ${before.failures.length} of ${before.sent} failed, refusing first ${after.failures.length} of ${after.sent}\n${errors.join('\n')}\n`,
    );
    expect(after.sent).toBeGreaterThan(200);
    // No request was reset in the old container's accept queue: that is what the refusal closes.
    expect(errors.filter((e) => /connection reset by peer/.test(e))).toEqual([]);
    // What may remain (docs/architecture.md, "retire"): a dial that reached the old container's address as
    // Docker took it away waits for its timeout, and Caddy 2.6 cannot send a body again on the retry.
    expect(errors.filter((e) => !/invalid Read on closed Body/.test(e))).toEqual([]);
    expect(after.failures.length).toBeLessThanOrEqual(Math.ceil(after.sent / 200));

    // The rule lives in the container's own network namespace: the new container, and the server, have none.
    const info = await docker.getContainer(after.live).inspect();
    expect((await pool.shell(target).exec(['nsenter', `--target=${info.State.Pid}`, '--net', '--', 'iptables', '-S', 'INPUT'])).stdout).not.toContain(
      'REJECT',
    );
  }, 120_000);

  it('answers why when it cannot: a container that is gone, or not running', async () => {
    expect(await ops.refuseNewConnections(names.appContainer('web', 'missing'))).toBe('the container is gone');
    const name = await startApp();
    await docker.getContainer(name).kill();
    await waitFor(async () => ((await docker.getContainer(name).inspect()).State.Running ? undefined : true), 10_000, 'the container to stop');
    expect(await ops.refuseNewConnections(name)).toBe('the container is not running');
  });
});
