import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SystemStatus } from '@zpanel/contracts';
import {
  API_ENTRY,
  REPOSITORY_ROOT,
  WEB_DIST,
  WORKER_ENTRY,
  createOwner,
  createScratchDatabase,
  freePort,
  spawnEntry,
  startStack,
  testProcessEnv,
  waitFor,
} from '@zpanel/testing';

describe('process lifecycle', () => {
  describe('configuration errors', () => {
    it.each([
      ['api', API_ENTRY],
      ['worker', WORKER_ENTRY],
    ])('%s exits non-zero with one clear line for a malformed DATABASE_URL', async (name, entry) => {
      const proc = spawnEntry(entry, testProcessEnv({ DATABASE_URL: 'postgres//zpanel:hunter2@nowhere' }));
      expect(await proc.exited).toBe(1);
      const lines = proc.output().trim().split('\n');
      expect(lines).toEqual([`zpanel ${name}: Invalid configuration: DATABASE_URL is not a valid URL (expected postgres://… or postgresql://…)`]);
      expect(proc.output()).not.toContain('hunter2');
    });

    it('names every bad variable at once', async () => {
      const env = testProcessEnv({ PORT: 'eighty', ZPANEL_SECRET_KEY: randomBytes(8).toString('base64') });
      const proc = spawnEntry(API_ENTRY, env);
      expect(await proc.exited).toBe(1);
      const output = proc.output().trim();
      expect(output.split('\n')).toHaveLength(1);
      expect(output).toContain('PORT must be a port number');
      expect(output).toContain('ZPANEL_SECRET_KEY must be base64 of exactly 32 bytes');
    });
  });

  describe('worker shutdown', () => {
    it('exits cleanly on SIGTERM and drops out of the worker list at once', async () => {
      const stack = await startStack({ worker: true });
      try {
        const { accessToken } = await createOwner(stack.baseUrl);
        const status = async () =>
          (await (
            await fetch(`${stack.baseUrl}/api/v1/system/status`, { headers: { authorization: `Bearer ${accessToken}` } })
          ).json()) as SystemStatus;
        await waitFor(async () => ((await status()).workers.length === 1 ? true : undefined), 10_000, 'the worker to announce itself');
        const started = Date.now();
        expect(await stack.worker?.stop('SIGTERM')).toBe(0);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect((await status()).workers).toEqual([]);
      } finally {
        await stack.stop();
      }
    });
  });

  describe('supervised, as npm start runs it', () => {
    interface Supervised {
      name: string;
      state: 'running' | 'restarting' | 'stopped';
      pid: number | null;
      restarts: number;
    }
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const answers = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined))?.ok === true;

    it('restarts a killed worker alone while the API keeps serving, and stops both on SIGINT to npm', async () => {
      const database = await createScratchDatabase();
      const runDir = mkdtempSync(join(tmpdir(), 'zpanel-supervisor-'));
      const [port, workerPort] = [await freePort(), await freePort()];
      const env = {
        ...testProcessEnv({
          DATABASE_URL: database.url,
          REDIS_PREFIX: `${testProcessEnv().REDIS_PREFIX}-${randomBytes(3).toString('hex')}`,
          DOCKER_NAMESPACE: `zt-${randomBytes(3).toString('hex')}`,
          HOST: '127.0.0.1',
          PORT: String(port),
          WORKER_HEALTH_PORT: String(workerPort),
          WEB_DIST_DIR: WEB_DIST,
          WORKER_SHUTDOWN_GRACE_MS: '2000',
          // The repository's own .env must not leak into the stack; the supervisor's socket lives with the test.
          ZPANEL_ENV_FILE: '/dev/null',
          ZPANEL_SUPERVISOR_SOCKET: join(runDir, 'supervisor.sock'),
          SUPERVISOR_RESTART_DELAY_MS: '200',
        }),
        HOME: process.env.HOME ?? runDir,
      };
      const control = async (...args: string[]) =>
        JSON.parse((await promisify(execFile)(process.execPath, ['scripts/supervise.mjs', ...args], { cwd: REPOSITORY_ROOT, env })).stdout) as {
          processes: Supervised[];
        };
      const pidOf = async (name: string) => (await control('status')).processes.find((p) => p.name === name) as Supervised;
      const apiHealth = `http://127.0.0.1:${port}/api/health`;
      const workerHealth = `http://127.0.0.1:${workerPort}/health`;

      const npm = spawn('npm', ['run', 'serve'], { cwd: REPOSITORY_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const pids: number[] = [];
      let polling = true;
      try {
        await waitFor(
          async () => ((await answers(apiHealth)) && (await answers(workerHealth)) ? true : undefined),
          30_000,
          'the API and the worker to answer',
        );
        const api = await pidOf('api');
        const worker = await pidOf('worker');
        expect([api.state, worker.state]).toEqual(['running', 'running']);
        pids.push(api.pid as number, worker.pid as number);

        // Poll the API the whole time the worker is down and back.
        const apiFailures: string[] = [];
        const poller = (async () => {
          while (polling) {
            if (!(await answers(apiHealth))) apiFailures.push(new Date().toISOString());
            await new Promise((r) => setTimeout(r, 100));
          }
        })();
        process.kill(worker.pid as number, 'SIGKILL');
        const restarted = await waitFor(
          async () => {
            const now = await pidOf('worker');
            return now.state === 'running' && now.pid !== worker.pid && (await answers(workerHealth)) ? now : undefined;
          },
          30_000,
          'the worker to be started again',
        );
        polling = false;
        await poller;
        pids.push(restarted.pid as number);
        expect(restarted.restarts).toBe(1);
        expect(apiFailures).toEqual([]);
        expect((await pidOf('api')).pid).toBe(api.pid);

        // Stopping one process on request keeps it stopped; starting it brings it back.
        expect((await control('stop', 'worker')).processes.find((p) => p.name === 'worker')).toMatchObject({ state: 'stopped', pid: null });
        expect(alive(restarted.pid as number)).toBe(false);
        expect(await answers(apiHealth)).toBe(true);
        const again = (await control('start', 'worker')).processes.find((p) => p.name === 'worker') as Supervised;
        pids.push(again.pid as number);
        await waitFor(async () => ((await answers(workerHealth)) ? true : undefined), 30_000, 'the started worker to answer');

        process.kill(npm.pid as number, 'SIGINT');
        await waitFor(async () => (npm.exitCode !== null || npm.signalCode !== null ? true : undefined), 30_000, 'npm to exit');
        await waitFor(async () => (pids.every((pid) => !alive(pid)) ? true : undefined), 30_000, 'the API and the worker to exit');
        expect(await answers(apiHealth)).toBe(false);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- npm run serve output ---\n${output}`);
      } finally {
        polling = false;
        for (const pid of [npm.pid as number, ...pids]) if (alive(pid)) process.kill(pid, 'SIGKILL');
        rmSync(runDir, { recursive: true, force: true });
        await database.drop();
      }
    });
  });
});
