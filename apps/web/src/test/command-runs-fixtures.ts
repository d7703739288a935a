import type { CommandRunDto, CommandRunSummaryDto } from '@zpanel/contracts';
import { fixture } from './fixture';

/** Test data for the command runs specs. */
export const aCommandRunSummary = fixture<CommandRunSummaryDto>(() => ({
  id: 'run-1',
  teamId: 'team-1',
  serverId: 'server-1',
  actor: { type: 'user', userId: 'user-1', tokenId: null, name: 'Olive Owner' },
  command: 'uptime',
  timeoutSeconds: 300,
  status: 'succeeded',
  exitCode: 0,
  error: null,
  outputTruncated: false,
  cancelRequested: false,
  createdAt: new Date(Date.now() - 300_000).toISOString(),
  startedAt: new Date(Date.now() - 299_000).toISOString(),
  finishedAt: new Date(Date.now() - 298_000).toISOString(),
}));

export function aCommandRun(overrides: Partial<CommandRunDto> = {}): CommandRunDto {
  return { ...aCommandRunSummary(overrides), output: ' 10:00:00 up 3 days,  load average: 0.10, 0.05, 0.01\n', ...overrides };
}
