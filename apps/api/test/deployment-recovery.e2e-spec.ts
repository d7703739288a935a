import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { type DeploymentDto, QueueName } from '@zpanel/contracts';
import {
  allLogLines,
  containerAnswer,
  deploymentFinished,
  queueDeployment,
  sampleAppFiles,
  QUICK_HTTP_HEALTH_CHECK,
  useGitApplication,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

/**
 * A deployment whose worker was killed is failed within this long: the test stack's run lease
 * (RUN_LEASE_TTL_MS, 5 s) plus the reaper's 5 s period, with a wide margin for a loaded machine
 * (docs/architecture.md "Deployment pipeline").
 */
const WORKER_LOST_WITHIN_MS = 90_000;
/** Printed by the slow build's RUN step: the build is under way when the log shows it. */
const SLOW_MARKER = `slow build ${randomUUID()} started`;

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Deletes every key of the stack (its prefix), as FLUSHALL would, without touching other suites' keys. */
async function deleteStackKeys(redis: Redis, prefix: string): Promise<number> {
  const keys = await scanKeys(redis, `${prefix}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  return keys.length;
}

describe('deployment recovery: a killed worker, a flushed Redis (built api + worker, the test server)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner } = suite;
  const sample = useGitApplication(suite, 'recovery', sampleAppFiles('v1'), {
    name: 'recovery',
    healthCheck: QUICK_HTTP_HEALTH_CHECK,
    stopGraceSeconds: 1,
  });

  let live: DeploymentDto;

  beforeAll(async () => {
    live = await deploymentFinished(asOwner, (await queueDeployment(asOwner, sample.app.id)).id);
    expect(live).toMatchObject({ status: 'success' });
    expect(await containerAnswer(suite.stack, live.containerName as string)).toBe('v1');
  });

  it('fails a deployment whose worker is killed mid-build as "worker lost", keeps the old version serving, and deploys the next one', async () => {
    await sample.repo.commit(sampleAppFiles('v2', [`RUN echo "${SLOW_MARKER}" && sleep 300`]), 'v2, slow to build');
    const slow = await queueDeployment(asOwner, sample.app.id);
    await waitFor(
      async () => ((await allLogLines(asOwner, slow.id)).some((l) => l.line === SLOW_MARKER) ? true : undefined),
      120_000,
      'the slow build step to start',
    );
    expect((await asOwner<DeploymentDto>('GET', `/api/v1/deployments/${slow.id}`)).body).toMatchObject({ status: 'running', step: 'build' });

    const worker = suite.stack.worker;
    if (!worker) throw new Error('the stack has no worker');
    const killedAt = Date.now();
    worker.child.kill('SIGKILL');
    await worker.exited;
    await suite.stack.restartWorker();

    const lost = await waitFor(
      async () => {
        const current = (await asOwner<DeploymentDto>('GET', `/api/v1/deployments/${slow.id}`)).body;
        return current.status === 'running' ? undefined : current;
      },
      WORKER_LOST_WITHIN_MS - (Date.now() - killedAt),
      'the deployment of the killed worker to be failed',
      500,
    );
    process.stdout.write(`killed worker's deployment failed ${Date.now() - killedAt} ms after the kill\n`);
    expect(lost).toMatchObject({ status: 'failed', step: 'build', reasonCode: 'deployment.worker_stopped' });
    expect(lost.reason).toMatch(/^Worker lost/);
    const lines = await allLogLines(asOwner, slow.id);
    expect(lines[lines.length - 1].line).toMatch(/^==> Failed: Worker lost/);
    expect(await containerAnswer(suite.stack, live.containerName as string)).toBe('v1');

    await sample.repo.commit(sampleAppFiles('v3'), 'v3');
    const next = await deploymentFinished(asOwner, (await queueDeployment(asOwner, sample.app.id)).id);
    expect(next).toMatchObject({ status: 'success', reason: null });
    expect(await containerAnswer(suite.stack, next.containerName as string)).toBe('v3');
    live = next;
  }, 300_000);

  it('runs a deployment queued while the worker was stopped and every key of the stack was deleted from Redis, once the worker is back', async () => {
    await suite.stack.worker?.stop();
    await sample.repo.commit(sampleAppFiles('v4'), 'v4');
    const queued = await queueDeployment(asOwner, sample.app.id);
    expect(queued.status).toBe('queued');

    const redis = new Redis(suite.stack.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      expect(await scanKeys(redis, `${suite.stack.redisPrefix}:${QueueName.Deployments}:*`)).not.toEqual([]);
      expect(await deleteStackKeys(redis, suite.stack.redisPrefix)).toBeGreaterThan(0);
      // The job is gone with everything else: only Postgres still knows the deployment is queued.
      expect(await scanKeys(redis, `${suite.stack.redisPrefix}:${QueueName.Deployments}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }

    await suite.stack.restartWorker();
    const ran = await deploymentFinished(asOwner, queued.id, 180_000);
    expect(ran).toMatchObject({ status: 'success', reason: null });
    expect(await containerAnswer(suite.stack, ran.containerName as string)).toBe('v4');
  }, 240_000);
});
