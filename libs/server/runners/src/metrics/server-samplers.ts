import { Injectable } from '@nestjs/common';
import { type PooledTarget, RemoteServerSampler, type ServerSampler, releaseDocker } from '@zpanel/remote';
import { WorkerSshPool } from '../servers/ssh-pool.provider';

/**
 * Makes the sampler a check uses, over the worker's pooled connection; `release` closes the Docker
 * client's keep-alive channels when the check is done. Integration tests substitute another.
 */
@Injectable()
export class ServerSamplers {
  constructor(private readonly pool: WorkerSshPool) {}

  open(target: PooledTarget): { sampler: ServerSampler; release: () => void } {
    const docker = this.pool.docker(target);
    return { sampler: new RemoteServerSampler(this.pool.shell(target), docker), release: () => releaseDocker(docker) };
  }
}
