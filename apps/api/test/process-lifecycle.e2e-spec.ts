import { randomBytes } from 'node:crypto';
import type { SystemStatus } from '@zpanel/contracts';
import { API_ENTRY, WORKER_ENTRY, createOwner, spawnEntry, startStack, testProcessEnv, waitFor } from '@zpanel/testing';

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
          (await (await fetch(`${stack.baseUrl}/api/v1/system/status`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as SystemStatus;
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
});
