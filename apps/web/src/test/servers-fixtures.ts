import type { Paginated, ServerDto, SshKeyDto } from '@zpanel/contracts';
import { fixture } from './fixture';

/** Test data for the servers specs. */
export const aServer = fixture<ServerDto>(() => ({
  id: 'server-1',
  teamId: 'team-1',
  name: 'web-1',
  host: '203.0.113.10',
  port: 22,
  user: 'root',
  sshKeyId: 'key-1',
  description: '',
  status: 'ready',
  statusReason: null,
  statusReasonCode: null,
  hostKeyFingerprint: 'SHA256:hostkeyAAAA',
  os: 'Ubuntu 24.04 LTS',
  dockerVersion: '27.3.1',
  diskFreeBytes: 42 * 1024 ** 3,
  lastValidatedAt: new Date(Date.now() - 120_000).toISOString(),
  checkIntervalSeconds: 60,
  lastCheckedAt: new Date(Date.now() - 30_000).toISOString(),
  allowedBindRoots: [],
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
}));

export const anSshKey = fixture<SshKeyDto>(() => ({
  id: 'key-1',
  teamId: 'team-1',
  name: 'deploy',
  type: 'ssh-ed25519',
  publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployKey zpanel',
  fingerprint: 'SHA256:keyFingerprint',
  serverCount: 0,
  createdAt: '2026-01-05T10:00:00.000Z',
}));

export function aPage<T>(items: T[], overrides: Partial<Paginated<T>> = {}): Paginated<T> {
  return { items, page: 1, perPage: 20, total: items.length, ...overrides };
}
