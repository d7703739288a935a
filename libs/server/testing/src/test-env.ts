import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** Written by scripts/test-env/ensure-test-sshd.sh: how to reach the test "server". */
export const TEST_ENV_FILE = '/var/lib/zpanel-test/env';

export interface TestSshTarget {
  host: string;
  port: number;
  username: string;
  privateKeyPath: string;
}

/**
 * ssh's argv for a test's own command on the test server (setting up a repository there, say):
 * the test's key, and no host key bookkeeping, since the code under test keeps its own.
 */
export function testSshArgv(target: TestSshTarget, command: string): string[] {
  const options = ['BatchMode=yes', 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR'];
  return [...options.flatMap((o) => ['-o', o]), '-i', target.privateKeyPath, '-p', String(target.port), `${target.username}@${target.host}`, command];
}

/** Variables the harness sets for a test run; read them through these names only. */
export const TEST_VARS = {
  runId: 'ZP_TEST_RUN_ID',
  databaseUrl: 'DATABASE_URL',
  adminDatabaseUrl: 'TEST_DATABASE_ADMIN_URL',
  redisUrl: 'REDIS_URL',
  redisPrefix: 'REDIS_PREFIX',
  secretKey: 'ZPANEL_SECRET_KEY',
} as const;

/**
 * Every test fixture (git servers, the test sshd, webhook receivers) listens on loopback, which
 * the instance's address policy refuses for git and outbound URLs by default: test processes allow
 * it explicitly. A test of the default policy overrides it with `none`.
 */
export const TEST_OUTBOUND_ALLOWED_CIDRS = '127.0.0.0/8,::1/128';

/** The backups' helper image in tests: the locally built busybox (no registry is reachable to pull busybox:1.36). */
export const TEST_BACKUP_HELPER_IMAGE = 'zpanel-test/busybox:latest';

export function readTestEnvFile(): Record<string, string> {
  if (!existsSync(TEST_ENV_FILE)) return {};
  return parseEnv(readFileSync(TEST_ENV_FILE, 'utf8')) as Record<string, string>;
}

export function testSshTarget(): TestSshTarget {
  const env = { ...readTestEnvFile(), ...process.env };
  const missing = ['TEST_SSH_HOST', 'TEST_SSH_PORT', 'TEST_SSH_USER', 'TEST_SSH_KEY_PATH'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new Error(`test sshd is not set up (${missing.join(', ')} missing): run scripts/test-env/all.sh or npm test`);
  }
  return {
    host: env.TEST_SSH_HOST as string,
    port: Number(env.TEST_SSH_PORT),
    username: env.TEST_SSH_USER as string,
    privateKeyPath: env.TEST_SSH_KEY_PATH as string,
  };
}

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** The environment a Zpanel process under test gets: the run's database, Redis prefix and key. */
export function testProcessEnv(extra: Record<string, string> = {}): Record<string, string> {
  const pick = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: tests must run through the Jest global setup`);
    return value;
  };
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATABASE_URL: pick(TEST_VARS.databaseUrl),
    REDIS_URL: pick(TEST_VARS.redisUrl),
    REDIS_PREFIX: pick(TEST_VARS.redisPrefix),
    ZPANEL_SECRET_KEY: pick(TEST_VARS.secretKey),
    OUTBOUND_ALLOWED_CIDRS: TEST_OUTBOUND_ALLOWED_CIDRS,
    BACKUP_HELPER_IMAGE: TEST_BACKUP_HELPER_IMAGE,
    ...extra,
  };
}
