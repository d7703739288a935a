import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import type { UnixStreamOpener } from '../ssh/remote-shell';

export const DOCKER_SOCKET_PATH = '/var/run/docker.sock';

type SocketLike = Duplex & Partial<Record<'setKeepAlive' | 'setNoDelay' | 'setTimeout' | 'ref' | 'unref', (...args: unknown[]) => unknown>>;

/**
 * An http.Agent whose sockets are SSH channels to the server's Docker socket. All Docker API
 * calls share the one SSH connection (dockerode's own `protocol: 'ssh'` opens a new SSH
 * connection per request: ~50x slower here, and it trips sshd's MaxStartups under load).
 */
export class SshDockerAgent extends Agent {
  constructor(
    private readonly streams: UnixStreamOpener,
    private readonly socketPath = DOCKER_SOCKET_PATH,
    options: AgentOptions = { keepAlive: true, maxSockets: 16 },
  ) {
    super(options);
  }

  // Returning undefined tells http.Agent the socket arrives through the callback.
  override createConnection(_options: ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): undefined {
    this.streams.openUnixStream(this.socketPath).then(
      (stream) => callback?.(null, asSocket(stream)),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** The http machinery calls a few net.Socket methods that an SSH channel does not have; they mean nothing here. */
function asSocket(stream: Duplex): Duplex {
  const socket = stream as SocketLike;
  for (const method of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref'] as const) {
    if (typeof socket[method] !== 'function') socket[method] = () => socket;
  }
  return socket;
}

/** A dockerode client speaking to the server's Docker Engine through an SSH connection or the pool. */
export function dockerOverSsh(streams: UnixStreamOpener): Docker {
  return new Docker({ protocol: 'http', host: 'docker', port: 80, agent: new SshDockerAgent(streams) } as Docker.DockerOptions);
}

/**
 * Closes the client's idle keep-alive channels. A client made for one job must be released when the
 * job is done: its agent never times them out (an SSH channel has no socket timeout), so each
 * forgotten client keeps a channel and a Docker API connection open until the SSH connection ends.
 */
export function releaseDocker(docker: Docker): void {
  const agent: unknown = (docker.modem as { agent?: unknown }).agent;
  if (agent instanceof Agent) agent.destroy();
}
