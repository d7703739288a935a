import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { quoteShellArg } from '@zpanel/core';
import Redis from 'ioredis';
import { type SignedIn, createOwner, signIn } from './api-session';
import { type OwnerCall, ownerCaller } from './deploy-fixture';
import type { Stack } from './stack';
import { readTestEnvFile, testSshTarget } from './test-env';

/**
 * For a bench (run by node, not Jest): sets what the Jest global setup gives a test run, from the test
 * env file and the environment: a run id, the admin database, a Redis prefix of the run's own, a key.
 */
export function setUpBenchEnvironment(kind = 'bench'): void {
  for (const [key, value] of Object.entries(readTestEnvFile())) process.env[key] ??= value;
  const runId = `${kind}${randomBytes(3).toString('hex')}`;
  if (!process.env.TEST_DATABASE_ADMIN_URL) throw new Error('TEST_DATABASE_ADMIN_URL is not set: run through npm run bench');
  Object.assign(process.env, {
    ZP_TEST_RUN_ID: runId,
    DATABASE_URL: process.env.TEST_DATABASE_ADMIN_URL,
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `zpbench-${runId}`,
    ZPANEL_SECRET_KEY: randomBytes(32).toString('base64'),
  });
}

/** Deletes every Redis key whose name starts with `prefix` (a test or bench run's own). */
export async function deleteRedisKeys(prefix: string, redisUrl = process.env.REDIS_URL as string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Creates the owner of a fresh stack; `asOwner` calls as them and signs in again every 10 minutes, as
 * access tokens last 15 and a bench may run longer. `owner` is kept current.
 */
export async function lastingOwner(stack: Stack): Promise<{ owner: SignedIn; asOwner: OwnerCall }> {
  const owner = await createOwner(stack.baseUrl);
  let session = Date.now();
  const current = () => {
    if (Date.now() - session > 10 * 60_000) {
      session = Date.now();
      void signIn(stack.baseUrl, owner.credentials).then((fresh) => Object.assign(owner, fresh));
    }
    return owner;
  };
  return { owner, asOwner: ownerCaller(() => stack, current) };
}

/**
 * Runs a bash script on the test server as its SSH user (as an operator's own script would, the
 * baseline the benches measure Zpanel against); resolves to its trimmed stdout. The arguments go
 * through the one quoting helper (ssh hands its command to the remote shell), the script on stdin.
 */
export function runOnTestServer(script: string, args: string[]): Promise<string> {
  const ssh = testSshTarget();
  const argv = ['-i', ssh.privateKeyPath, '-p', String(ssh.port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no'];
  argv.push('-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${ssh.username}@${ssh.host}`, 'bash', '-s', '--');
  argv.push(...args.map(quoteShellArg));
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`script on the server failed (${code}): ${err.trim()}`))));
    child.stdin.end(script);
  });
}
