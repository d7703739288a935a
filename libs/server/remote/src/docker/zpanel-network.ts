import { ZPANEL_LABELS, type ZpanelDockerNames } from '@zpanel/core';
import type Docker from 'dockerode';
import { ZPANEL_MANAGED_LABEL } from './containers';

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Whether the instance's network (`names.network`) exists on the server. */
export async function zpanelNetworkExists(docker: Docker, names: ZpanelDockerNames): Promise<boolean> {
  try {
    await docker.getNetwork(names.network).inspect();
    return true;
  } catch (error) {
    if (statusCode(error) === 404) return false;
    throw error;
  }
}

/**
 * Creates the bridge network the proxy and the app containers share, unless it exists. Safe to race
 * (the proxy sync and a deployment may both ensure it): whoever loses gets Docker's 409 and keeps the other's.
 */
export async function ensureZpanelNetwork(docker: Docker, names: ZpanelDockerNames): Promise<'created' | 'kept'> {
  if (await zpanelNetworkExists(docker, names)) return 'kept';
  try {
    await docker.createNetwork({
      Name: names.network,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { [ZPANEL_MANAGED_LABEL]: 'true', [ZPANEL_LABELS.namespace]: names.namespace },
    });
    return 'created';
  } catch (error) {
    if (statusCode(error) === 409) return 'kept';
    throw error;
  }
}
