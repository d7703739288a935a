import type { ReadinessResponse } from '@zpanel/contracts';
import { DisposableRedis, type Stack, startStack, waitFor } from '@zpanel/testing';

describe('readiness when Redis goes away and comes back', () => {
  let redis: DisposableRedis;
  let stack: Stack;

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    stack = await startStack({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  const ready = async () => {
    const res = await fetch(`${stack.baseUrl}/api/ready`);
    return { status: res.status, body: (await res.json()) as ReadinessResponse };
  };

  it('turns 503 naming Redis within 5 s, then 200 again once Redis is back, without a restart', async () => {
    expect((await ready()).status).toBe(200);

    await redis.stop();
    const stoppedAt = Date.now();
    const down = await waitFor(async () => {
      const r = await ready();
      return r.status === 503 ? r : undefined;
    }, 5_000, 'readiness to report Redis down');
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(down.body).toMatchObject({ status: 'unavailable', failing: ['redis'], checks: { postgres: { status: 'up' }, redis: { status: 'down' } } });
    expect(down.body.checks.redis.error).toBeTruthy();

    await redis.start();
    const up = await waitFor(async () => {
      const r = await ready();
      return r.status === 200 ? r : undefined;
    }, 10_000, 'readiness to recover');
    expect(up.body.failing).toEqual([]);
    expect(stack.api.child.exitCode).toBeNull();
  });
});
