import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { testProcessEnv } from './test-env';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '../../../..');
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
  api: RunningProcess;
  worker?: RunningProcess;
  workerHealthUrl?: string;
  stop(): Promise<void>;
}

/** Starts the built API (and optionally the worker) on free loopback ports and waits until they answer. */
export async function startStack(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<Stack> {
  const port = await freePort();
  const workerPort = await freePort();
  // Each stack gets its own Redis prefix: suites run in parallel, and one suite's worker must not
  // take another suite's jobs. (Teardown removes every key under the run's prefix.)
  const base = testProcessEnv();
  const env = testProcessEnv({
    REDIS_PREFIX: `${base.REDIS_PREFIX}-${randomBytes(3).toString('hex')}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKER_HEALTH_PORT: String(workerPort),
    WEB_DIST_DIR: WEB_DIST,
    ...options.env,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = spawnEntry(API_ENTRY, env);
  const worker = options.worker ? spawnEntry(WORKER_ENTRY, env) : undefined;
  const workerHealthUrl = worker ? `http://127.0.0.1:${workerPort}/health` : undefined;
  const stop = async () => {
    await Promise.all([api.stop(), worker?.stop()]);
  };
  try {
    await waitFor(async () => ((await fetch(`${baseUrl}/api/health`)).ok ? true : undefined), 20_000, 'the API to answer');
    if (workerHealthUrl) {
      await waitFor(async () => ((await fetch(workerHealthUrl)).ok ? true : undefined), 20_000, 'the worker to answer');
    }
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- api output ---\n${api.output()}\n--- worker output ---\n${worker?.output() ?? ''}`);
  }
  return { baseUrl, api, worker, workerHealthUrl, stop };
}
