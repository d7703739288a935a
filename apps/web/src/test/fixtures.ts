import {
  type MeResponse,
  type ReadinessResponse,
  Role,
  type SessionResponse,
  type SystemStatus,
  type TeamMembershipDto,
  type UserDto,
  type WorkerInfo,
} from '@zpanel/contracts';
import { fixture } from './fixture';

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

export const aWorker = fixture<WorkerInfo>(() => ({
  id: 'worker-7f3a',
  hostname: 'build-box-1',
  pid: 4242,
  version: '0.1.0',
  startedAt: new Date(Date.now() - 3_600_000).toISOString(),
  lastSeenAt: new Date(Date.now() - 5_000).toISOString(),
  queues: ['system'],
}));

export const aSystemStatus = fixture<SystemStatus>(() => ({
  version: '0.1.0',
  instanceId: 'inst-2b9c41',
  apiStartedAt: new Date(Date.now() - 7_200_000).toISOString(),
  readiness: readyReadiness,
  workers: [aWorker()],
  repeatingJobs: [{ name: 'deployments.reap', everyMs: 15_000, lastRunAt: new Date(Date.now() - 5_000).toISOString(), overdue: false }],
}));

/** The token `renderApp` signs in with. */
export const ACCESS_TOKEN = 'access-token-1';

export const aUser = fixture<UserDto>(() => ({
  id: 'user-1',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  twoFactorEnabled: false,
  createdAt: '2026-01-05T10:00:00.000Z',
}));

export const aMembership = fixture<TeamMembershipDto>(() => ({
  teamId: 'team-1',
  teamName: 'Analytical Engines',
  role: Role.Owner,
  joinedAt: '2026-01-05T10:00:00.000Z',
}));

export function aMe(overrides: Partial<MeResponse> = {}): MeResponse {
  return { user: aUser(), teams: [aMembership()], ...overrides };
}

export const aSession = fixture<SessionResponse>(() => ({
  accessToken: 'access-token-2',
  accessTokenExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  refreshTokenExpiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  user: aUser(),
}));
