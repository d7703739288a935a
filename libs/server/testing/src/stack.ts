import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createScratchDatabase } from '@zpanel/database/testing';
import { removeDockerNamespace } from './docker-namespace';
import { freePort } from './free-port';
import { testProcessEnv } from './test-env';
import { waitFor } from './wait-for';

/** The repository root: the nearest folder up with nx.json (this file also runs compiled, from dist/bench for `npm run bench`). */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}

export { createScratchDatabase };

const ROOT = repositoryRoot(__dirname);
/** Where `npm run …` runs (tests of the start scripts). */
export const REPOSITORY_ROOT = ROOT;
export const API_ENTRY = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
export const WORKER_ENTRY = join(ROOT, 'dist/apps/worker/apps/worker/src/main.js');
export const WEB_DIST = join(ROOT, 'dist/apps/web');

export interface RunningProcess {
  child: ChildProcess;
  /** Everything the process wrote, for assertions and for failure messages. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Spawns a built Zpanel entry point with the run's environment. */
export function spawnEntry(entry: string, env: Record<string, string>): RunningProcess {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npx nx run-many -t build)`);
  const child = spawn(process.execPath, ['--enable-source-maps', entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface Stack {
  baseUrl: string;
  /** The stack's own database, for tests that must set up a state no endpoint can (an expired row). */
  databaseUrl: string;
  /** The stack's Redis and key prefix, for tests that play the worker's part (appending live events). */
  redisUrl: string;
  redisPrefix: string;
  /** The stack's Docker namespace (zpanelDockerNames), to find or clean up what its worker created. */
  dockerNamespace: string;
  /** Host port the stack's proxy (Caddy, on the test server) publishes for HTTP. */
  proxyHttpPort: number;
  /** The environment its processes run with, to start more of them (a second worker). */
  env: Record<string, string>;
  api: RunningProcess;
  /** The stack's current worker (a new one after `restartWorker`). */
  worker?: RunningProcess;
  workerHealthUrl?: string;
  /**
   * Starts the stack's worker again with the same environment, after a test stopped or killed it
   * (stopping the running one first, if any); resolves once it answers. `stop()` stops this one.
   */
  restartWorker(): Promise<RunningProcess>;
  stop(): Promise<void>;
}

/** A process that has exited cannot answer: stop waiting for it at once. */
class ExitedError extends Error {}

/** Waits until `url` answers, failing at once when `process` exits instead of waiting out the timeout. */
function answers(url: string, process: RunningProcess, what: string): Promise<true> {
  return waitFor(
    async () => {
      if (process.child.exitCode !== null || process.child.signalCode !== null) throw new ExitedError(`${what} exited`);
      return (await fetch(url)).ok ? true : undefined;
    },
    // Loading the API's modules alone took 25-30 s on a 2-core machine under a load average of 18.
    45_000,
    what,
  ).catch((error: unknown) => {
    throw process.child.exitCode !== null ? new ExitedError(`${what} exited`) : error;
  });
}

/** Starts the built API (and optionally the worker) on free loopback ports and waits until they answer. */
export async function startStack(
  options: {
    worker?: boolean;
    env?: Record<string, string>;
    /** A database of the test's own to run on (a restored one), dropped when the stack stops; a fresh one otherwise. */
    database?: { url: string; drop(): Promise<void> };
  } = {},
): Promise<Stack> {
  // Each stack gets its own database and Redis prefix: suites run in parallel, and one suite's
  // first-run setup or worker must not see another's. (Teardown removes every key under the
  // run's prefix; the database is dropped when the stack stops.)
  const base = testProcessEnv();
  const database = options.database ?? (await createScratchDatabase());
  const prefix = `${base.REDIS_PREFIX}-${randomBytes(3).toString('hex')}`;
  // Suites share the test server's Docker Engine: each stack's network, containers and images live
  // under their own namespace, so parallel suites never remove or route to each other's.
  const dockerNamespace = `zt-${randomBytes(3).toString('hex')}`;
  // A port found free can be taken by another process before the API binds it; then try others.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const workerPort = await freePort();
    const env = testProcessEnv({
      // The proxy a validated server gets: the locally built image, on ports of this stack's own.
      PROXY_IMAGE: 'zpanel-test/caddy:2.6.2',
      PROXY_HTTP_PORT: String(await freePort()),
      PROXY_HTTPS_PORT: String(await freePort()),
      PROXY_HTTPS: 'false',
      // Volume backups' helper containers: the locally built busybox (no registry is reachable).
      BACKUP_HELPER_IMAGE: 'zpanel-test/busybox:latest',
      DATABASE_URL: database.url,
      REDIS_PREFIX: prefix,
      DOCKER_NAMESPACE: dockerNamespace,
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKER_HEALTH_PORT: String(workerPort),
      WEB_DIST_DIR: WEB_DIST,
      // Short leases, so crash tests see a dead worker's runs reaped in seconds, not production's 10 s.
      RUN_HEARTBEAT_MS: '1000',
      RUN_LEASE_TTL_MS: '5000',
      ...options.env,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = spawnEntry(API_ENTRY, env);
    const worker = options.worker ? spawnEntry(WORKER_ENTRY, env) : undefined;
    const workerHealthUrl = `http://127.0.0.1:${workerPort}/health`;
    const stopProcesses = () => Promise.all([api.stop(), worker?.stop()]);
    try {
      await answers(`${baseUrl}/api/health`, api, 'the API');
      if (worker) await answers(workerHealthUrl, worker, 'the worker');
    } catch (error) {
      await stopProcesses();
      const output = `${api.output()}\n${worker?.output() ?? ''}`;
      if (error instanceof ExitedError && output.includes('EADDRINUSE') && attempt < 3) continue;
      await database.drop();
      throw new Error(`${(error as Error).message}\n--- api output ---\n${api.output()}\n--- worker output ---\n${worker?.output() ?? ''}`);
    }
    const stack: Stack = {
      baseUrl,
      databaseUrl: database.url,
      redisUrl: env.REDIS_URL,
      redisPrefix: prefix,
      dockerNamespace,
      proxyHttpPort: Number(env.PROXY_HTTP_PORT),
      env,
      api,
      worker,
      workerHealthUrl: worker ? workerHealthUrl : undefined,
      async restartWorker() {
        await stack.worker?.stop();
        const next = spawnEntry(WORKER_ENTRY, env);
        stack.worker = next;
        stack.workerHealthUrl = workerHealthUrl;
        try {
          await answers(workerHealthUrl, next, 'the restarted worker');
        } catch (error) {
          throw new Error(`${(error as Error).message}\n--- worker output ---\n${next.output()}`);
        }
        return next;
      },
      async stop() {
        const hadWorker = stack.worker !== undefined;
        await Promise.all([api.stop(), stack.worker?.stop()]);
        // Only a worker creates Docker objects (a validated server's proxy, deployments); stopped first, it creates no more.
        if (hadWorker) removeDockerNamespace(dockerNamespace);
        await database.drop();
      },
    };
    return stack;
  }
}
