import type { ReadinessResponse, SystemStatus, WorkerInfo } from '@zpanel/contracts';

export const readyReadiness: ReadinessResponse = {
  status: 'ready',
  failing: [],
  checks: {
    postgres: { status: 'up', latencyMs: 3 },
    redis: { status: 'up', latencyMs: 1 },
  },
};

export const redisDownReadiness: ReadinessResponse = {
  status: 'unavailable',
  failing: ['redis'],
  checks: {
    postgres: { status: 'up', latencyMs: 4 },
    redis: { status: 'down', latencyMs: 2000, error: 'connect ECONNREFUSED 127.0.0.1:6379' },
  },
};

export function aWorker(overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    id: 'worker-7f3a',
    hostname: 'build-box-1',
    pid: 4242,
    version: '0.1.0',
    startedAt: new Date(Date.now() - 3_600_000).toISOString(),
    lastSeenAt: new Date(Date.now() - 5_000).toISOString(),
    queues: ['system'],
    ...overrides,
  };
}

export function aSystemStatus(overrides: Partial<SystemStatus> = {}): SystemStatus {
  return {
    version: '0.1.0',
    instanceId: 'inst-2b9c41',
    apiStartedAt: new Date(Date.now() - 7_200_000).toISOString(),
    readiness: readyReadiness,
    workers: [aWorker()],
    ...overrides,
  };
}
