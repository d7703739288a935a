import { dockerCli } from './docker-namespace';
import { readFileSync } from 'node:fs';
import {
  type ApplicationDto,
  type CreateApplicationRequest,
  type DeploymentDto,
  type DeploymentLogPage,
  type EnvironmentDto,
  type Paginated,
  type ServerDto,
  type SshKeyDto,
  TEAM_HEADER,
  isDeploymentFinished,
} from '@zpanel/contracts';
import { zpanelDockerNames } from '@zpanel/core';
import { type ApiResponse, apiCaller } from './api-call';
import type { SignedIn } from './api-session';
import type { Stack } from './stack';
import { testSshTarget } from './test-env';
import { waitFor } from './wait-for';

/** The local base image the harness imports (nothing can be pulled). */
export const TEST_BASE_IMAGE = 'zpanel-test/busybox';

/** Files of a sample app: busybox httpd on 8080 serving `version`, after the extra Dockerfile lines given. */
export function sampleAppFiles(version: string, extraDockerfileLines: string[] = []): Record<string, string> {
  return {
    Dockerfile: [`FROM ${TEST_BASE_IMAGE}`, ...extraDockerfileLines, 'COPY www /www', 'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]', ''].join(
      '\n',
    ),
    'www/index.html': version,
  };
}

export type OwnerCall = <T>(method: string, path: string, body?: unknown) => Promise<ApiResponse<T>>;

/** Calls the stack's API as the owner, in the owner's team. */
export function ownerCaller(stack: () => Stack, owner: () => SignedIn): OwnerCall {
  const call = apiCaller(() => stack().baseUrl);
  return <T>(method: string, path: string, body?: unknown) => call<T>(method, path, owner().accessToken, body, { [TEAM_HEADER]: owner().teamId });
}

/**
 * Registers the test server (the local engine behind the test sshd) with its key, without validating
 * it; `server` overrides the server's fields (its name, a check interval).
 */
export async function addTestServer(asOwner: OwnerCall, server: Record<string, unknown> = {}): Promise<ServerDto> {
  const ssh = testSshTarget();
  const key = await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'test server', privateKey: readFileSync(ssh.privateKeyPath, 'utf8') });
  if (key.status !== 201) throw new Error(`adding the test server's key failed: ${key.status} ${key.text}`);
  const created = await asOwner<ServerDto>('POST', '/api/v1/servers', {
    name: 'test-server',
    host: ssh.host,
    port: ssh.port,
    user: ssh.username,
    sshKeyId: key.body.id,
    ...server,
  });
  if (created.status !== 201) throw new Error(`adding the test server failed: ${created.status} ${created.text}`);
  return created.body;
}

/** Waits until the worker has validated the server (its status is no longer `validating`), and gives it. */
export function validationSettled(asOwner: OwnerCall, serverId: string, timeoutMs = 30_000): Promise<ServerDto> {
  return waitFor(
    async () => {
      const current = (await asOwner<ServerDto>('GET', `/api/v1/servers/${serverId}`)).body;
      return current.status === 'validating' ? undefined : current;
    },
    timeoutMs,
    `the worker to validate server ${serverId}`,
  );
}

/** Registers the test server (see addTestServer) and waits until its validation made it ready. */
export async function readyTestServer(asOwner: OwnerCall, server: Record<string, unknown> = {}): Promise<ServerDto> {
  const { id } = await addTestServer(asOwner, server);
  await asOwner('POST', `/api/v1/servers/${id}/validate`);
  const validated = await validationSettled(asOwner, id, 60_000);
  if (validated.status !== 'ready') throw new Error(`the test server is ${validated.status}: ${validated.statusReason}`);
  return validated;
}

/** A project's production environment and, in it, an application on `serverId` built from `settings`. */
export async function createApplication(
  asOwner: OwnerCall,
  serverId: string,
  settings: Omit<CreateApplicationRequest, 'environmentId' | 'serverId'>,
): Promise<ApplicationDto> {
  const project = (await asOwner<{ id: string }>('POST', '/api/v1/projects', { name: `Project ${settings.name}` })).body;
  const environment = (await asOwner<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0];
  const created = await asOwner<ApplicationDto>('POST', '/api/v1/applications', { environmentId: environment.id, serverId, ...settings });
  if (created.status !== 201) throw new Error(`creating the application failed: ${created.status} ${created.text}`);
  return created.body;
}

/** Queues a deployment of the application; fails loudly when the API refuses. */
export async function queueDeployment(asOwner: OwnerCall, applicationId: string): Promise<DeploymentDto> {
  const queued = await asOwner<DeploymentDto>('POST', `/api/v1/applications/${applicationId}/deployments`, {});
  if (queued.status !== 202) throw new Error(`deploying failed: ${queued.status} ${queued.text}`);
  return queued.body;
}

/** Polls the deployment until it is no longer queued or running. */
export function deploymentFinished(asOwner: OwnerCall, deploymentId: string, timeoutMs = 120_000): Promise<DeploymentDto> {
  return waitFor(
    async () => {
      const current = (await asOwner<DeploymentDto>('GET', `/api/v1/deployments/${deploymentId}`)).body;
      return isDeploymentFinished(current.status) ? current : undefined;
    },
    timeoutMs,
    `deployment ${deploymentId} to finish`,
    250,
  );
}

/** Every stored log line of a deployment, page by page (the API caps a page). */
export async function allLogLines(asOwner: OwnerCall, deploymentId: string, limit = 5_000): Promise<DeploymentLogPage['lines']> {
  const lines: DeploymentLogPage['lines'] = [];
  let afterSeq = 0;
  for (;;) {
    const page = (await asOwner<DeploymentLogPage>('GET', `/api/v1/deployments/${deploymentId}/logs?afterSeq=${afterSeq}&limit=${limit}`)).body;
    lines.push(...page.lines);
    afterSeq = page.lastSeq;
    if (!page.hasMore) return lines;
  }
}

/** What a deployment's container answers on `port`, asked directly on the server's bridge network. */
export async function containerAnswer(stack: Stack, containerName: string, port = 8080, path = '/'): Promise<string> {
  const network = zpanelDockerNames(stack.dockerNamespace).network;
  const ip = dockerCli('inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, containerName);
  return (await fetch(`http://${ip}:${port}${path}`)).text();
}
