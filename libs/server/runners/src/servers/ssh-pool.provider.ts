import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AddressPolicy, type AppConfig, InjectConfig } from '@zpanel/core';
import type Docker from 'dockerode';
import { type PooledTarget, SshPool, dockerOverSsh } from '@zpanel/remote';

/**
 * The worker's one SSH pool: every runner reaches servers through it, only at addresses the
 * instance's policy allows for servers, checked on the resolved address at each connection.
 */
@Injectable()
export class WorkerSshPool extends SshPool implements OnApplicationShutdown {
  constructor(@InjectConfig() config: Pick<AppConfig, 'network'>) {
    const policy = new AddressPolicy(config.network);
    super({ resolveAddress: async (host) => (await policy.resolve(host, 'server'))[0] });
  }

  /** A Docker session on the target over its pooled SSH connection; the caller ends it with `releaseDocker`. */
  docker(target: PooledTarget): Docker {
    return dockerOverSsh(this.streams(target));
  }

  /**
   * Closed last: Nest runs every onModuleDestroy before the dispatcher's beforeApplicationShutdown
   * lets running jobs finish (WORKER_SHUTDOWN_GRACE_MS), and those jobs still reach their servers.
   */
  onApplicationShutdown(): void {
    this.close();
  }
}
