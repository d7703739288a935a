import { ContainerParamError } from '@zpanel/core';
import { ContainerNotFoundError, ServerUnreachableError } from '@zpanel/remote';
import { describeConnectError } from '../servers/server-validation.handler';

export interface ContainerFailure {
  status: 400 | 404 | 409 | 503;
  message: string;
}

/**
 * The ways a container operation fails that a person can act on, in words (404 for a missing
 * container, 400 for a refused parameter, 409 for Docker refusing in the container's state, e.g.
 * removing a running one, 503 for a server that cannot be reached); undefined for anything else,
 * which is a defect to log rather than a reason to show.
 */
export function describeContainerFailure(
  error: unknown,
  target: { host: string; port: number; username: string },
  containerId?: string,
): ContainerFailure | undefined {
  if (error instanceof ContainerNotFoundError) return { status: 404, message: `No container ${containerId ?? ''} on this server` };
  if (error instanceof ContainerParamError) return { status: 400, message: error.message };
  const docker = (typeof error === 'object' && error !== null ? error : {}) as { statusCode?: unknown; json?: { message?: unknown } | null };
  if (docker.statusCode === 409) {
    // Docker's own words say what to do ("container is running: stop the container before removing or force remove").
    const said =
      typeof docker.json?.message === 'string' ? docker.json.message.slice(0, 300) : 'the container is in a state that does not allow this';
    return { status: 409, message: `Docker refused: ${said}` };
  }
  const cause = error instanceof ServerUnreachableError ? error.cause : error;
  // Duck-typed: socket errors come from Node's own realm, where `instanceof Error` can be false (under Jest).
  const { message, name } = (typeof cause === 'object' && cause !== null ? cause : {}) as { message?: unknown; name?: unknown };
  if (typeof message === 'string' && /ECONN|ETIMEDOUT|EHOST|ENET|ENOTFOUND|authentication|host key|handshake/i.test(message + String(name))) {
    return { status: 503, message: describeConnectError(cause, target) };
  }
  return undefined;
}
