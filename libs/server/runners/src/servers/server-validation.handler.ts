import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult, type ServerStatus } from '@zpanel/contracts';
import { AddressNotAllowedError, InjectLogger, ReasonError } from '@zpanel/core';
import { ServersRepository } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, enqueueProxySync } from '@zpanel/queue';
import { HostKeyMismatchError, ServerUnreachableError, releaseDocker } from '@zpanel/remote';
import type { Logger } from 'pino';
import { ServerLiveEvents } from './server-live-events';
import { ServerTargets } from './server-targets';
import { WorkerSshPool } from './ssh-pool.provider';
import { EventNotifications } from '../notifications/event-notifications';

const COMMAND_TIMEOUT_MS = 15_000;

/**
 * The one reason for a server that could not be reached: the same for a closed port, a filtered
 * one, a host that is not SSH and an address the instance's policy refuses, so that a server's
 * status cannot be used to scan ports from the control plane.
 */
export function unreachableReason(target: { host: string; port: number }): string {
  return `Could not reach ${target.host}:${target.port} over SSH: check the address and port, and that the server accepts SSH connections from this instance.`;
}

/** Words a person can act on, for the ways reaching a server fails. */
export function describeConnectError(error: unknown, target: { host: string; port: number; username: string }): string {
  return connectFailure(error, target).reason;
}

/** The way reaching a server failed, with its code (the SPA's host key banner reacts to it). */
export function connectFailure(error: unknown, target: { host: string; port: number; username: string }): ReasonError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof HostKeyMismatchError) {
    return new ReasonError(
      'server.host_key_changed',
      `The server's host key changed (recorded ${error.expected}, now ${error.actual}). If you reinstalled the server, trust the new host key; otherwise someone may be intercepting the connection.`,
    );
  }
  if ((error instanceof AddressNotAllowedError && error.reason === 'unresolved') || /ENOTFOUND|EAI_AGAIN/.test(message))
    return new ReasonError('server.unresolvable', `${target.host} does not resolve to an address.`);
  if (/authentication methods failed/i.test(message))
    return new ReasonError(
      'server.auth_refused',
      `The server refused the key for ${target.username}: add the public key to ~${target.username}/.ssh/authorized_keys.`,
    );
  // One code as one text: a closed, filtered or refused port reads the same (no port scans through the status).
  return new ReasonError('server.unreachable', unreachableReason(target));
}

/**
 * Validates a server: connects over SSH (pinning the host key at first contact and refusing a
 * changed one afterwards), reads the OS, reaches the Docker Engine through the forwarded socket,
 * and measures free disk. The outcome is stored on the server with a reason a person can act on.
 * A server that passed gets its proxy installed or updated (a `server.proxy.sync` job).
 */
@Injectable()
@HandlesJob(JobName.ServerValidate)
export class ServerValidationHandler implements JobHandler<JobName.ServerValidate> {
  private readonly logger: Logger;

  constructor(
    private readonly servers: ServersRepository,
    private readonly targets: ServerTargets,
    @InjectLogger() logger: Logger,
    private readonly pool: WorkerSshPool,
    private readonly live: ServerLiveEvents,
    private readonly jobs: JobProducer,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'server-validation' });
  }

  async handle({ serverId }: JobPayload<JobName.ServerValidate>): Promise<JobResult<JobName.ServerValidate>> {
    const loaded = await this.targets.load(serverId);
    // Deleted while queued: nothing to validate.
    if (!loaded) return { status: 'invalid' };
    const { server, target } = loaded;
    // Settings may have changed since the last connection: start from a fresh one.
    this.pool.forget(server.id);

    const fail = async (status: ServerStatus, { code, reason }: ReasonError) => {
      await this.servers.recordValidation(server.id, { status, statusReason: reason, statusReasonCode: code, lastValidatedAt: new Date() });
      this.logger.info({ serverId, status, reason }, 'server validation failed');
      await this.live.status(server, status, reason, code);
      // Told when it is news: not again at each validation while the key stays changed.
      if (code === 'server.host_key_changed' && server.statusReasonCode !== 'server.host_key_changed')
        await this.notifications.serverHostKeyChanged(server.id, { statusReason: reason });
      return { status };
    };

    let connection;
    try {
      connection = await this.pool.connection(target);
    } catch (error) {
      return fail(
        error instanceof HostKeyMismatchError ? 'invalid' : 'unreachable',
        connectFailure(error instanceof ServerUnreachableError ? error.cause : error, target),
      );
    }
    const fingerprint = connection.hostKeyFingerprint;

    const os = await this.pool.exec(target, ['sh', '-c', '. /etc/os-release 2>/dev/null && printf %s "$PRETTY_NAME" || uname -sr'], {
      timeoutMs: COMMAND_TIMEOUT_MS,
    });
    let dockerVersion: string;
    let dockerEngineId: string | null;
    const docker = this.pool.docker(target);
    try {
      dockerVersion = (await docker.version()).Version;
      dockerEngineId = String((await docker.info()).ID ?? '') || null;
    } catch {
      return fail(
        'invalid',
        new ReasonError(
          'server.docker_unavailable',
          `The Docker Engine does not answer at /var/run/docker.sock for ${server.user}: install Docker (https://docs.docker.com/engine/install/) and make sure ${server.user} may use it (root, or the docker group).`,
        ),
      );
    } finally {
      releaseDocker(docker);
    }
    const df = await this.pool.exec(target, ['df', '-Pk', '/'], { timeoutMs: COMMAND_TIMEOUT_MS });
    const availableKb = Number(df.stdout.trim().split('\n').pop()?.split(/\s+/)[3]);

    const ready = {
      status: 'ready' as const,
      statusReason: null,
      statusReasonCode: null,
      hostKeyFingerprint: fingerprint,
      os: os.stdout.trim().slice(0, 200) || null,
      dockerVersion,
      dockerEngineId,
      diskFreeBytes: Number.isFinite(availableKb) ? String(availableKb * 1024) : null,
      lastValidatedAt: new Date(),
      // A validated server starts its checks afresh: at the next tick, with no failures counted.
      consecutiveFailures: 0,
      nextCheckAt: null,
    };
    try {
      await this.servers.recordValidation(server.id, ready);
    } catch (error) {
      // A Docker host has one proxy, whose routes come from one server's applications, and
      // application containers are named per server: a second server for the same host would
      // overwrite the first one's routes. Which server (and team) holds it is not said.
      if ((error as { driverError?: { constraint?: string } }).driverError?.constraint === 'servers_docker_engine_id') {
        return fail(
          'invalid',
          new ReasonError(
            'server.docker_host_taken',
            "This Docker host is already managed by another server of this Zpanel instance: a Docker host can belong to one server only (its proxy routes that server's applications). Deploy there, or have that server removed first.",
          ),
        );
      }
      throw error;
    }
    await this.live.status(server, 'ready', null, null);
    try {
      await enqueueProxySync(this.jobs, server.id);
    } catch (error) {
      // The server is ready either way; its next validation or application change installs the proxy.
      this.logger.warn({ err: error, serverId }, 'proxy sync not queued');
    }
    return { status: 'ready' };
  }
}
