import type { DatabaseCredentialsDto, DatabaseDto, DatabaseOperationDto, DatabaseOperationWithLogDto } from '@zpanel/contracts';
import { fixture } from './fixture';

/** Test data for the databases specs. */
export const aDatabase = fixture<DatabaseDto>(() => ({
  id: 'db-1',
  teamId: 'team-1',
  environmentId: 'env-1',
  serverId: 'server-1',
  name: 'main-db',
  engine: 'postgresql',
  image: 'postgres:17',
  databaseName: 'main_db',
  userName: 'main_db',
  internalHost: 'zp-database-0f4c2a7e9b1d4e6f8a3c5b7d9e1f2a4c',
  internalPort: 5432,
  publicPort: null,
  memoryLimitMb: null,
  cpuLimit: null,
  status: 'running',
  statusReason: null,
  statusReasonCode: null,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
}));

export const aDatabaseOperation = fixture<DatabaseOperationDto>(() => ({
  id: 'op-1',
  databaseId: 'db-1',
  kind: 'create',
  status: 'success',
  reason: null,
  reasonCode: null,
  createdAt: new Date(Date.now() - 120_000).toISOString(),
  startedAt: new Date(Date.now() - 119_000).toISOString(),
  finishedAt: new Date(Date.now() - 100_000).toISOString(),
}));

export function aDatabaseOperationWithLog(overrides: Partial<DatabaseOperationWithLogDto> = {}): DatabaseOperationWithLogDto {
  return { ...aDatabaseOperation(overrides), log: 'Pulling postgres:17\nPostgreSQL accepts connections\n', ...overrides };
}

export const someCredentials = fixture<DatabaseCredentialsDto>(() => ({
  userName: 'main_db',
  password: 'Q7x2Lm9Pz4Rt8Vw1Ks6Nb3Hc5Jd0Fg2Aa4Ee6Ii8Oo',
  databaseName: 'main_db',
  internalUrl: 'postgresql://main_db:Q7x2Lm9Pz4Rt8Vw1Ks6Nb3Hc5Jd0Fg2Aa4Ee6Ii8Oo@zp-database-0f4c2a7e9b1d4e6f8a3c5b7d9e1f2a4c:5432/main_db',
  publicUrl: null,
}));
