import type { DeploymentDto, DeploymentLogLine } from '@zpanel/contracts';
import { fixture } from './fixture';

/** Test data for the deployments specs. */
export const aDeployment = fixture<DeploymentDto>(() => ({
  id: 'dep-1',
  teamId: 'team-1',
  applicationId: 'app-1',
  status: 'success',
  trigger: 'manual',
  commitSha: '4f2a9c1d0e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c',
  gitTag: null,
  sourceDeploymentId: null,
  imageTag: 'zp/shop-web:dep-1',
  requestedImageTag: null,
  containerName: 'zp-shop-web-dep1',
  step: 'done',
  reason: null,
  reasonCode: null,
  cancelRequested: false,
  imageKept: true,
  actor: { type: 'user', userId: 'user-1', tokenId: null, name: 'Ada Lovelace' },
  createdAt: new Date(Date.now() - 300_000).toISOString(),
  startedAt: new Date(Date.now() - 299_000).toISOString(),
  finishedAt: new Date(Date.now() - 227_000).toISOString(),
}));

export function logLines(from: number, to: number, text = (seq: number) => `line ${seq}`): DeploymentLogLine[] {
  const lines: DeploymentLogLine[] = [];
  for (let seq = from; seq <= to; seq += 1) lines.push({ seq, ts: '2026-01-05T10:00:00.000Z', stream: 'stdout', line: text(seq) });
  return lines;
}
