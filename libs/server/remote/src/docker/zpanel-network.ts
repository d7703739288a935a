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
 * Creations in flight in this process, by network name. Docker's `CheckDuplicate` is not atomic:
 * two concurrent creates (a proxy sync and a deployment) made two networks of one name here, and
 * every later use of the name then failed as "ambiguous". A worker runs both jobs, so serializing
 * them here closes the race; across several workers the 409 below still covers the common case.
 */
const creating = new Map<string, Promise<'created' | 'kept'>>();

/** Creates the bridge network the proxy and the app containers share, unless it exists. */
export async function ensureZpanelNetwork(docker: Docker, names: ZpanelDockerNames): Promise<'created' | 'kept'> {
  let pending = creating.get(names.network);
  while (pending) {
    await pending.catch(() => undefined);
    pending = creating.get(names.network);
  }
  const work = createUnlessPresent(docker, names);
  creating.set(names.network, work);
  try {
    return await work;
  } finally {
    if (creating.get(names.network) === work) creating.delete(names.network);
  }
}

async function createUnlessPresent(docker: Docker, names: ZpanelDockerNames): Promise<'created' | 'kept'> {
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
