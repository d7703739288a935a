import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { DeploymentDto } from '@zpanel/contracts';
import { zpanelDockerNames } from '@zpanel/core';
import {
  QUICK_HTTP_HEALTH_CHECK,
  TEST_BASE_IMAGE,
  allLogLines,
  deploymentFinished,
  getThroughProxy,
  queueDeployment,
  useGitApplication,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

const REDEPLOYS = 5;
const MIN_REQUESTS = 2_000;
/**
 * The app answers after 50 ms (a busybox httpd CGI script), so requests are always in flight on the
 * old container when it is retired: an instant answer would hide a switch that cuts them off.
 * It stops as servers are expected to when Docker stops them (SIGTERM, then the app's grace
 * period): the listener closes at once, so new connections are refused (the proxy retries those on
 * the other container), and the requests it holds are finished before it exits. busybox httpd
 * alone would exit at once, cutting those requests off whatever the pipeline did.
 */
const SLOW_PATH = '/cgi-bin/version';
const SERVE = [
  '#!/bin/sh',
  'httpd -f -p 8080 -h /www &',
  'listener=$!',
  "trap 'kill $listener' TERM",
  'wait $listener',
  'wait $listener',
  '# each request is a forked httpd: wait for those still answering',
  'while pidof httpd >/dev/null; do usleep 10000; done',
  '',
].join('\n');
const appFiles = (version: string) => ({
  Dockerfile: [
    `FROM ${TEST_BASE_IMAGE}`,
    'COPY serve.sh /serve.sh',
    'COPY cgi-bin /www/cgi-bin',
    'RUN chmod 0755 /serve.sh /www/cgi-bin/version',
    'COPY www /www',
    'CMD ["/serve.sh"]',
    '',
  ].join('\n'),
  'serve.sh': SERVE,
  'cgi-bin/version': ['#!/bin/sh', 'usleep 50000', "printf 'Content-Type: text/plain\\r\\n\\r\\n'", 'cat /www/index.html', ''].join('\n'),
  'www/index.html': version,
});
/** Loops per connection style: each sends its next request when the last one answered. */
const LOOPS = 3;

interface Outcome {
  status: number;
  body: string;
}

/** GET or POST through the proxy with the app's Host header, on a kept connection (`agent`) or a fresh one. */
function send(port: number, host: string, agent: Agent | false, method: 'GET' | 'POST' = 'GET'): Promise<Outcome> {
  const body = method === 'POST' ? 'ping' : undefined;
  const headers: Record<string, string> = { host };
  if (!agent) headers.connection = 'close';
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: SLOW_PATH, method, agent, headers, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Requests in loops until stopped, half on fresh connections (keep-alive off), half on one kept
 * connection per loop (keep-alive on); in each half one loop POSTs, which the proxy never retries
 * once sent. Every answer that is not a 200 with a whole version string, and every connection
 * error, is a failure.
 */
class LoadGenerator {
  readonly answers = new Map<string, number>();
  readonly failures: string[] = [];
  /** When each failure was seen, to line it up with the proxy's and the deployments' logs. */
  readonly failureTimes: string[] = [];
  sent = 0;
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private readonly agents: Agent[] = [];

  constructor(
    private readonly port: number,
    private readonly host: string,
  ) {}

  start(): void {
    for (let i = 0; i < LOOPS; i += 1) {
      const method = i === 0 ? 'POST' : 'GET';
      this.loops.push(this.loop(false, method));
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      this.agents.push(agent);
      this.loops.push(this.loop(agent, method));
    }
  }

  private async loop(agent: Agent | false, method: 'GET' | 'POST'): Promise<void> {
    const style = `${method} ${agent ? 'keep-alive' : 'new connection'}`;
    while (!this.stopped) {
      this.sent += 1;
      try {
        const answer = await send(this.port, this.host, agent, method);
        // A 200 cut short (the container stopped mid-answer) is a failure too: the body must be whole.
        if (answer.status === 200 && /^v\d+$/.test(answer.body)) this.answers.set(answer.body, (this.answers.get(answer.body) ?? 0) + 1);
        else this.failures.push(`${style}: HTTP ${answer.status} ${JSON.stringify(answer.body.slice(0, 200))}`);
      } catch (error) {
        this.failures.push(`${style}: ${(error as Error).message}`);
      }
      if (this.failures.length > this.failureTimes.length) this.failureTimes.push(new Date().toISOString());
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    for (const agent of this.agents) agent.destroy();
  }

  get received(): number {
    return [...this.answers.values()].reduce((a, b) => a + b, 0);
  }

  summary(): string {
    const versions = [...this.answers.entries()].map(([body, count]) => `${body}: ${count}`).join(', ');
    const failed = this.failures.map((failure, i) => `\n  ${this.failureTimes[i]} ${failure}`).join('');
    return `${this.sent} requests, ${this.received} answered 200 (${versions}), ${this.failures.length} failed${failed}`;
  }
}

/**
 * Caddy's error lines (an upstream that refused, reset or timed out, with the time and the error),
 * printed when a request failed: a rare failure must say on the first run what happened.
 */
function proxyErrors(namespace: string): string {
  // Caddy logs to stderr, which `docker logs` passes on as its own stderr.
  const logs = spawnSync('docker', ['logs', zpanelDockerNames(namespace).proxyContainer], { encoding: 'utf8' });
  return `${logs.stdout}${logs.stderr}`
    .split('\n')
    .filter((line) => line.includes('"level":"error"'))
    .slice(-20)
    .join('\n');
}

describe('zero downtime through the proxy (built api + worker, the test server, Caddy)', () => {
  const domain = `app-${randomBytes(4).toString('hex')}.zero-downtime.test`;
  const suite = useOwnedStack({ worker: true });
  const { asOwner } = suite;
  const sample = useGitApplication(suite, 'zero-downtime', appFiles('v1'), {
    name: 'steady',
    domains: [domain],
    healthCheck: QUICK_HTTP_HEALTH_CHECK,
    stopGraceSeconds: 2,
  });
  let version = 1;
  const throughProxy = () => getThroughProxy(suite.stack.proxyHttpPort, domain, SLOW_PATH);

  beforeAll(async () => {
    const first = await deploymentFinished(asOwner, (await queueDeployment(asOwner, sample.app.id)).id);
    expect(first).toMatchObject({ status: 'success' });
    await waitFor(
      async () => ((await throughProxy().catch(() => undefined))?.body === 'v1' ? true : undefined),
      30_000,
      `${domain} to answer v1 through the proxy`,
    );
  });

  it(`drops no request while ${REDEPLOYS} redeploys complete, nor while a deploy fails its health check`, async () => {
    const load = new LoadGenerator(suite.stack.proxyHttpPort, domain);
    load.start();
    try {
      const deployed: DeploymentDto[] = [];
      for (let i = 0; i < REDEPLOYS; i += 1) {
        version += 1;
        await sample.repo.commit({ 'www/index.html': `v${version}` }, `v${version}`);
        deployed.push(await deploymentFinished(asOwner, (await queueDeployment(asOwner, sample.app.id)).id));
      }
      // Enough traffic whatever the machine's speed: keep going until the minimum is reached.
      await waitFor(async () => (load.sent >= MIN_REQUESTS ? true : undefined), 120_000, `${MIN_REQUESTS} requests`);
      expect(deployed.map((d) => d.status)).toEqual(Array(REDEPLOYS).fill('success'));
      // Each old container refused new connections before its SIGTERM (the test server's SSH user may enter its network namespace).
      for (const deployment of deployed) {
        const log = (await allLogLines(asOwner, deployment.id)).map((l) => l.line).join('\n');
        expect(log).toMatch(/refuses new connections; the ones it holds go on/);
      }
      expect((await throughProxy()).body).toBe(`v${version}`);
    } finally {
      await load.stop();
    }
    process.stdout.write(`zero downtime, ${REDEPLOYS} redeploys: ${load.summary()}\n`);
    if (load.failures.length > 0) process.stdout.write(`the proxy's errors:\n${proxyErrors(suite.stack.dockerNamespace)}\n`);
    expect(load.failures.slice(0, 20)).toEqual([]);
    expect(load.sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
    // Every version was served on the way: the switches happened under load.
    expect([...load.answers.keys()].sort()).toEqual(Array.from({ length: REDEPLOYS + 1 }, (_, i) => `v${i + 1}`).sort());

    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, {
      healthCheck: { type: 'http', path: '/missing', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 2, retries: 3 },
    });
    await sample.repo.commit({ 'www/index.html': 'never served' }, 'unhealthy');
    const unhealthy = new LoadGenerator(suite.stack.proxyHttpPort, domain);
    unhealthy.start();
    let broken: DeploymentDto;
    try {
      broken = await deploymentFinished(asOwner, (await queueDeployment(asOwner, sample.app.id)).id);
    } finally {
      await unhealthy.stop();
    }
    process.stdout.write(`zero downtime, a deploy failing its health check: ${unhealthy.summary()}\n`);
    if (unhealthy.failures.length > 0) process.stdout.write(`the proxy's errors:\n${proxyErrors(suite.stack.dockerNamespace)}\n`);
    expect(broken).toMatchObject({ status: 'failed', step: 'health' });
    expect(unhealthy.failures.slice(0, 20)).toEqual([]);
    expect([...unhealthy.answers.keys()]).toEqual([`v${version}`]);
    expect(unhealthy.received).toBeGreaterThan(0);
    expect(await throughProxy()).toEqual({ status: 200, body: `v${version}` });
  }, 300_000);
});
